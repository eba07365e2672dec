import pytest
from django.urls import reverse

from tests import factories


def test_districts_side_by_side_and_rounds_over_time(client, manager, make_idea, open_round):
    jukola = factories.DistrictFactory(name="Jukola", slug="jukola")
    open_round.districts.add(jukola)
    make_idea("approved")
    make_idea("approved", district=jukola)
    make_idea("approved", district=jukola)
    client.force_login(manager)

    response = client.get(reverse("reports:compare"))
    columns = {c["district"].slug: c["report"]["pilot_count"] for c in response.context["columns"]}
    assert columns == {"iittala": 1, "jukola": 2}
    assert [row["pilots"] for row in response.context["rounds"]] == [3]

    only = client.get(reverse("reports:compare") + "?district=jukola")
    assert [c["district"].slug for c in only.context["columns"]] == ["jukola"]
    assert client.get(reverse("reports:compare") + "?district=atlantis").status_code == 404


def test_residents_cannot_compare(client, resident):
    client.force_login(resident)
    assert client.get(reverse("reports:compare")).status_code == 403


def test_two_rounds_side_by_side_on_the_same_scales(client, manager, make_idea, open_round):
    from grants.models import Grant, Idea
    from reports import charts

    spring = factories.RoundFactory(
        districts=[open_round.districts.first()], name="Spring", slug="spring"
    )
    spring.opens_on = open_round.opens_on.replace(year=open_round.opens_on.year - 1)
    spring.save()
    make_idea("approved")
    make_idea("approved")
    make_idea("approved")
    earlier = make_idea("approved")
    # Test data: an idea of last year's round.
    Idea.objects.filter(pk=earlier.pk).update(round=spring)
    Grant.objects.filter(idea=earlier).update(round=spring)
    client.force_login(manager)

    response = client.get(reverse("reports:compare"))
    sides = response.context["sides"]
    # The two latest rounds, the older first.
    assert [side["round"].slug for side in sides] == ["spring", open_round.slug]
    status = [side["charts"]["status"] for side in sides]
    granted = [dict((g.label, g.values[0]) for g in chart.groups)["Approved"] for chart in status]
    assert granted == [1, 3]
    # One scale: the bar of 1 is a third as long as the bar of 3.
    widths = [
        next(bar["width"] for bar in chart.bars if bar["group"] == "Approved") for chart in status
    ]
    assert widths[0] * 3 == pytest.approx(widths[1], abs=0.3)
    assert status[0].maximum == status[1].maximum == 3
    page = response.content.decode()
    assert "Two rounds side by side" in page and page.count('data-chart="money"') == 2
    assert isinstance(status[0], charts.Chart)

    chosen = client.get(
        reverse("reports:compare") + f"?first={open_round.slug}&second=spring&in=iittala"
    )
    assert [side["round"].slug for side in chosen.context["sides"]] == [open_round.slug, "spring"]
    assert client.get(reverse("reports:compare") + "?first=nope").status_code == 404
    assert client.get(reverse("reports:compare") + "?in=atlantis").status_code == 404


def test_the_choices_are_read_once_and_follow_new_districts_and_rounds(
    client, manager, open_round, settings, django_assert_max_num_queries
):
    from reports.services import figures

    settings.REPORT_FIGURES_MAX_AGE = 600  # stored figures, as in production
    figures.refresh(full=True)
    client.force_login(manager)
    url = reverse("reports:compare")
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(2):  # the person; the choices and figures were kept
        assert client.get(url).status_code == 200
    assert client.get(url + "?district=jukola").status_code == 404
    factories.DistrictFactory(name="Jukola", slug="jukola")
    assert client.get(url + "?district=jukola").status_code == 200
    assert client.get(url + "?first=syksy").status_code == 404
    factories.RoundFactory(name="Syksy", slug="syksy")
    assert client.get(url + "?first=syksy").status_code == 200
