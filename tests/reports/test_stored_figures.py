"""Report figures are never computed for the whole country while a reader waits: a reader gets
the stored figures with their age, stale ones ask for one refresh, and two refreshes (or two
readers) at once never collide on the figures' key."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportFigures
from reports.services import figures
from tests import factories
from tests.concurrency import at_once


@pytest.fixture
def stored_figures(settings):
    settings.REPORT_FIGURES_MAX_AGE = 600


def _age(minutes: int) -> None:
    ReportFigures.objects.update(computed_at=timezone.now() - timedelta(minutes=minutes))


def _counting_refreshes(monkeypatch) -> list:
    """figures.refresh, counted (each call still does the whole refresh)."""
    calls = []
    real = figures.refresh

    def counted(**kwargs):
        calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(figures, "refresh", counted)
    return calls


@pytest.mark.django_db
def test_stale_figures_are_shown_with_their_age_and_one_refresh_is_asked(
    stored_figures,
    client,
    manager,
    district,
    make_idea,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    make_idea("submitted")
    figures.refresh()
    _age(60)
    make_idea("submitted", title="Toinen idea")  # not in the stored figures yet
    refreshes = _counting_refreshes(monkeypatch)
    client.force_login(manager)
    url = reverse("reports:district", args=[district.slug])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    assert first.status_code == 200
    # The stored figures (one idea), not a count made while the reader waited.
    assert first.context["report"]["idea_count"] == 1
    assert len(refreshes) == 1  # the worker's (run at once in the tests)
    # The refresh has stored the new figures: the next reader sees both ideas, nothing asked.
    with django_capture_on_commit_callbacks(execute=True):
        second = client.get(url)
    assert second.context["report"]["idea_count"] == 2
    assert len(refreshes) == 1


@pytest.mark.django_db
def test_fresh_figures_ask_for_nothing(
    stored_figures, client, manager, district, monkeypatch, django_capture_on_commit_callbacks
):
    figures.refresh()
    refreshes = _counting_refreshes(monkeypatch)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True) as asked:
        for _ in range(3):
            assert client.get(reverse("reports:district", args=[district.slug])).status_code == 200
            assert client.get(reverse("reports:compare")).status_code == 200
    assert asked == []
    assert refreshes == []


@pytest.mark.django_db
def test_a_refresh_asked_is_asked_once_until_it_has_run(
    stored_figures, district, monkeypatch, django_capture_on_commit_callbacks
):
    figures.refresh()
    _age(60)
    from django.core.cache import cache

    # A refresh asked and not yet run (the worker is busy): later readers ask nothing more.
    cache.add(figures.REFRESH_ASKED, "now", 600)
    refreshes = _counting_refreshes(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True) as asked:
        for _ in range(5):
            figures.for_district(district.pk, None)
    assert asked == []
    assert refreshes == []
    assert figures.ask_refresh() is False


@pytest.mark.django_db
def test_a_fresh_install_shows_its_district_figures_before_the_first_refresh(
    stored_figures, client, manager, district, make_idea
):
    make_idea("submitted")
    assert not ReportFigures.objects.exists()
    client.force_login(manager)
    response = client.get(reverse("reports:district", args=[district.slug]))
    assert response.status_code == 200
    assert response.context["report"]["idea_count"] == 1


@pytest.mark.django_db
def test_a_refresh_removes_the_figures_of_what_is_gone(stored_figures, district):
    ReportFigures.objects.create(key="d999999:rall", data={}, computed_at=timezone.now())
    figures.refresh()
    assert not ReportFigures.objects.filter(key="d999999:rall").exists()
    assert ReportFigures.objects.filter(key=figures.key_of(district.pk, None)).exists()


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_readers_of_stale_figures_at_once_both_get_the_page_and_one_refresh_runs(
    stored_figures, district, monkeypatch
):
    agent = factories.AgentFactory(email="agent-r@example.org")
    maker = factories.UserFactory(email="maker-r@example.org")
    factories.RoundFactory(districts=[district])
    factories.idea_in_status("submitted", created_by=maker, agent=agent, district=district)
    figures.refresh()
    _age(60)
    refreshes = _counting_refreshes(monkeypatch)
    managers = [factories.ManagerFactory(email=f"manager-{n}@example.org") for n in range(2)]
    barrier = threading.Barrier(2)
    statuses = []

    def read(person):
        try:
            reader = Client()
            reader.force_login(person)
            barrier.wait()
            statuses.append(
                reader.get(reverse("reports:district", args=[district.slug])).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(person,)) for person in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    assert len(refreshes) == 1


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_do_not_collide(stored_figures, district):
    assert at_once(figures.refresh) == []
    assert ReportFigures.objects.filter(key=figures.key_of(district.pk, None)).count() == 1


@pytest.mark.django_db
def test_the_comparison_is_drawn_once_until_the_figures_are_refreshed(
    stored_figures, client, manager, district, make_idea
):
    make_idea("submitted")
    figures.refresh()
    client.force_login(manager)
    url = reverse("reports:compare")

    def figures_part() -> str:
        page = client.get(url).content.decode()
        return page[page.index("<h1>") : page.index("</main>")]

    first = figures_part()
    with CaptureQueriesContext(connection) as captured:
        assert figures_part() == first
    assert not [q for q in captured if "reports_reportfigures" in q["sql"]]
    make_idea("submitted", title="Toinen idea")
    # Until the refresh, the figures (and their time) are those stored; after it, the new ones.
    assert figures_part() == first
    figures.refresh()
    assert figures_part() != first
    district.name = "Uusi nimi"
    district.save()
    assert "Uusi nimi" in figures_part()
