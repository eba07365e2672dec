"""Valid POST data for the app's forms, as a browser would send them; tests override fields."""

from tests import factories


def idea_data(district, **overrides) -> dict:
    fields = factories.idea_fields()
    data = {
        "title": fields["title"],
        "need": fields["need"],
        "plan": fields["plan"],
        "age_groups": fields["age_groups"],
        "district": district.pk,
        "starts_on": fields["starts_on"].isoformat(),
        "ends_on": fields["ends_on"].isoformat(),
        "amount": "500.00",
        "partners_text": "",
    }
    data.update(overrides)
    return data


def report_data(**overrides) -> dict:
    fields = factories.report_fields()
    data = {
        name: ("on" if value is True else str(value))
        for name, value in fields.items()
        if value is not False
    }
    data["lesson_1"] = "Do it together."
    data.update(overrides)
    return data
