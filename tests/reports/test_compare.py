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
