"""What is public is decided once: the showcase, the pilot pages, the front page and the open
data agree, and every "learn before you try" link opens (a reported pilot not yet closed gave
a 404, and a fresh demo's showcase was empty while its open data listed a published pilot)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from grants.models import Idea


def _published_in_open_data(client) -> set[int]:
    rows = client.get(reverse("reports:open_data_json")).json()["pilots"]
    return {row["id"] for row in rows if row["published"]}


def _showcase_ids(client) -> set[int]:
    page = client.get(reverse("reports:pilots")).content.decode()
    return {int(found) for found in re.findall(r'href="/pilots/(\d+)/"', page)}


def test_a_fresh_demo_shows_in_the_showcase_what_the_open_data_publishes(client, db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    published = _published_in_open_data(client)
    assert published, "the demo has a published pilot"
    assert _showcase_ids(client) == published
    home = client.get(reverse("home")).content.decode()
    for idea in Idea.objects.filter(pk__in=published):
        assert idea.title in home


@pytest.mark.parametrize("status", ["reported", "closed"])
def test_a_reported_pilot_is_public_whether_or_not_closed(client, make_idea, status):
    pilot = make_idea(status, title="Lukukoira kirjastossa")
    assert client.get(reverse("reports:pilot", args=[pilot.pk])).status_code == 200
    assert pilot.pk in _showcase_ids(client)
    assert pilot.pk in _published_in_open_data(client)


def test_an_unpublished_pilot_is_nowhere_public(client, make_idea):
    pilot = make_idea("reported", title="Lukukoira kirjastossa")
    pilot.closing_report.publish = False
    pilot.closing_report.save()
    assert client.get(reverse("reports:pilot", args=[pilot.pk])).status_code == 404
    assert pilot.pk not in _showcase_ids(client)
    assert pilot.pk not in _published_in_open_data(client)


def test_every_learn_before_you_try_link_opens(client, make_idea):
    reported = make_idea("reported", title="Lukukoira kirjastossa lapsille")
    hidden = make_idea("closed", title="Lukukoira kirjastossa kesällä")
    hidden.closing_report.publish = False
    hidden.closing_report.save()
    panel = client.post(
        reverse("grants:similar"),
        {"title": "Lukukoira kirjastossa", "need": "lukukoira", "plan": "kirjastossa"},
    ).content.decode()
    assert reported.title in panel
    links = re.findall(r'href="(/pilots/\d+/)"', panel)
    assert links, "the published pilot is linked"
    for link in links:
        assert client.get(link).status_code == 200
    assert f'href="/pilots/{hidden.pk}/"' not in panel
