"""The showcase's list is rendered once for all readers of the same filters and page, and never
outlives a change of what it shows: a pilot published, a consent withdrawn, a title erased."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors import services as actor_services
from grants.models import Grant
from tests.reports.test_open_data import closed

pytestmark = pytest.mark.django_db


def _page(client, query: str = "") -> str:
    response = client.get(reverse("reports:pilots") + query)
    return response.content.decode()


def test_a_second_reader_gets_the_list_without_reading_the_pilots(
    client, make_idea, resident, agent
):
    closed(make_idea, resident, agent, publish=True, title="Shared café")
    assert "Shared café" in _page(client)
    with CaptureQueriesContext(connection) as captured:
        again = _page(client)
    assert "Shared café" in again
    assert not [q for q in captured if "grants_idea" in q["sql"]]
    # Another filter or language is another list.
    assert "Shared café" not in _page(client, "?age_group=youth")
    assert "Shared café" in client.get("/sv/pilots/").content.decode()


def test_a_pilot_published_or_withdrawn_shows_at_once(client, make_idea, resident, agent):
    first = closed(make_idea, resident, agent, publish=True, title="Shared café")
    assert "Shared café" in _page(client)
    closed(make_idea, resident, agent, publish=True, title="Village sauna")
    assert "Village sauna" in _page(client)
    report = first.closing_report
    report.publish = False
    report.save()
    page = _page(client)
    assert "Shared café" not in page and "Village sauna" in page


def test_a_district_renamed_shows_at_once(client, make_idea, resident, agent, district):
    closed(make_idea, resident, agent, publish=True, title="Shared café")
    assert district.name in _page(client)
    district.name = "Uusi nimi"
    district.save()
    assert "Uusi nimi" in _page(client)


def test_an_erased_maker_is_not_kept_in_the_cached_list(client, make_idea, resident, agent):
    resident.full_name = "Kerttu Esimerkki"
    resident.save()
    pilot = closed(make_idea, resident, agent, publish=True, title="Kerttu Esimerkki's café")
    Grant.objects.filter(idea=pilot).update(payment_state=Grant.Payment.PAID)  # paid long ago
    assert "Kerttu Esimerkki" in _page(client)
    actor_services.user_erase(resident)
    assert "Kerttu Esimerkki" not in _page(client)
