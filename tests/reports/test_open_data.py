"""The public showcase and the open data: only what the makers agreed to, never personal data."""

import csv
import io
import json

from django.urls import reverse

from grants import services
from tests import factories


def closed(make_idea, resident, agent, *, publish: bool, **overrides):
    idea = make_idea("reported", **overrides)
    report = idea.closing_report
    report.publish = publish
    report.save()
    services.idea_close(idea=idea, by=agent)
    return idea


def test_the_showcase_shows_only_closed_pilots_the_makers_published(
    client, make_idea, resident, agent
):
    shared = closed(make_idea, resident, agent, publish=True, title="Shared café")
    private = closed(make_idea, resident, agent, publish=False, title="Private club")
    running = make_idea("running", title="Still running")
    page = client.get(reverse("reports:pilots")).content.decode()
    assert "Shared café" in page
    assert "Private club" not in page and "Still running" not in page
    assert client.get(reverse("reports:pilot", args=[shared.pk])).status_code == 200
    assert client.get(reverse("reports:pilot", args=[private.pk])).status_code == 404
    assert client.get(reverse("reports:pilot", args=[running.pk])).status_code == 404


def test_the_showcase_filters_by_district_and_age_group(client, make_idea, resident, agent):
    closed(
        make_idea, resident, agent, publish=True, title="For the elderly", age_groups=["elderly"]
    )
    closed(make_idea, resident, agent, publish=True, title="For the young", age_groups=["youth"])
    page = client.get(reverse("reports:pilots") + "?age_group=youth").content.decode()
    assert "For the young" in page and "For the elderly" not in page
    assert client.get(reverse("reports:pilots") + "?district=nowhere").status_code == 400


def test_open_data_carries_no_personal_data(client, make_idea, resident, agent, district):
    resident.full_name = "Riikka Asukas"
    resident.phone = "040 123 4567"
    resident.save()
    closed(make_idea, resident, agent, publish=True, title="Shared café")
    closed(make_idea, resident, agent, publish=False, title="Riikka's private club")
    factories.idea_in_status("running", created_by=resident, agent=agent, district=district)

    response = client.get(reverse("reports:open_data_json"))
    body = response.content.decode()
    data = json.loads(body)
    assert data["licence"] == "CC BY 4.0"
    assert len(data["pilots"]) == 3
    for forbidden in (resident.email, "Riikka", "040 123 4567", agent.email):
        assert forbidden not in body
    titles = {pilot["title"] for pilot in data["pilots"]}
    assert titles == {"Shared café", None}

    csv_body = b"".join(client.get(reverse("reports:open_data_csv")).streaming_content)
    rows = list(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "district", "round"]
    assert len(rows) == 4
    assert "Riikka" not in csv_body.decode()


def test_the_district_csv_is_for_managers_and_safe_in_spreadsheets(
    client, manager, resident, make_idea, agent, district
):
    make_idea("approved", title="=cmd|' /C calc'!A0")
    url = reverse("reports:district_csv", args=[district.slug])
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    response = client.get(url)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Pilot"
    assert rows[1][0].startswith("'=")


def test_the_showcase_filters_by_theme(client, make_idea, resident, agent):
    weather = closed(make_idea, resident, agent, publish=True, title="Rainy market")
    closed(make_idea, resident, agent, publish=True, title="Sunny café")
    theme = services.lesson_tag(
        lesson=weather.closing_report.lessons.first(), by=agent, new_theme="Weather"
    )
    page = client.get(reverse("reports:pilots") + f"?theme={theme.pk}").content.decode()
    assert "Rainy market" in page and "Sunny café" not in page


def test_open_data_json_pages_by_id_and_refuses_bad_paging(client, make_idea, resident, agent):
    ids = [
        closed(make_idea, resident, agent, publish=True, title=f"Pilot {n}").pk for n in range(5)
    ]
    url = reverse("reports:open_data_json")

    first = client.get(url + "?limit=2").json()
    assert [pilot["id"] for pilot in first["pilots"]] == sorted(ids)[:2]
    seen = [pilot["id"] for pilot in first["pilots"]]
    next_url = first["next"]
    while next_url:
        page = client.get(next_url).json()
        seen += [pilot["id"] for pilot in page["pilots"]]
        next_url = page["next"]
    assert seen == sorted(ids)

    for bad in ("?after=abc", "?limit=0", "?limit=999999", "?after=-1"):
        response = client.get(url + bad)
        assert response.status_code == 400
        assert response.json()["error"]


def test_the_showcase_comes_a_page_at_a_time_newest_first(
    client, make_idea, resident, agent, monkeypatch
):
    from reports import views

    monkeypatch.setattr(views, "SHOWCASE_PAGE", 2)
    for title in ("First", "Second", "Third"):
        closed(make_idea, resident, agent, publish=True, title=title, age_groups=["youth"])
    url = reverse("reports:pilots")

    first = client.get(url + "?age_group=youth").content.decode()
    assert "Third" in first and "Second" in first and "First" not in first
    assert 'href="?age_group=youth&amp;page=2"' in first and 'rel="prev"' not in first

    second = client.get(url + "?age_group=youth&page=2").content.decode()
    assert "First" in second and "Second" not in second
    assert 'href="?age_group=youth&amp;page=1"' in second and 'rel="next"' not in second

    # A mistyped page is the first; one past the end is empty, not an error.
    assert "Third" in client.get(url + "?page=abc").content.decode()
    beyond = client.get(url + "?page=9")
    assert beyond.status_code == 200 and "Third" not in beyond.content.decode()
