"""The report figures are refreshed for what changed since the last refresh: the districts named
by the notes of change are computed again, the totals corrected by the difference, and the
result is what a full refresh gives."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from grants import services
from grants.models import ClosingReport, Grant, Idea, IdeaChange
from reports.models import ReportFigures
from reports.services import figures
from tests import factories


def _stored() -> dict[str, dict]:
    return dict(ReportFigures.objects.values_list("key", "data"))


def _full() -> dict[str, dict]:
    figures.refresh(full=True)
    return _stored()


@pytest.fixture
def two_districts(district, open_round):
    other = factories.DistrictFactory(name="Jukola", slug="jukola")
    open_round.districts.add(other)
    return district, other


def _assert_same_as_full(after_incremental: dict[str, dict]) -> None:
    full = _full()
    assert set(after_incremental) == set(full)
    for key, data in full.items():
        assert after_incremental[key] == data, key


@pytest.mark.django_db
def test_changes_of_every_kind_refreshed_incrementally_give_what_a_full_refresh_gives(
    two_districts, make_idea, manager, agent, resident
):
    iittala, jukola = two_districts
    make_idea("closed", title="Lukukoira kirjastossa")
    make_idea("running", title="Talkoot", district=jukola)
    removed = make_idea("submitted", title="Poistuva", district=jukola)
    figures.refresh(full=True)
    assert not IdeaChange.objects.filter(reader=IdeaChange.Reader.FIGURES).exists()

    # A submission, a decision, a closing report, the city's decision, partners, a payment, a
    # removal, and the date sweep's bulk steps, in both districts.
    make_idea("submitted", title="Uusi idea")
    approved = make_idea("approved", title="Kyläkahvila", district=jukola)
    approved.partners.add(factories.ActorFactory(kind="parish"))
    reported = make_idea("reported", title="Pihakirppis")
    ClosingReport.objects.filter(idea=reported).update(
        continuation=ClosingReport.Continuation.PERMANENT
    )
    services.city_decision_record(
        idea=Idea.objects.get(pk=reported.pk),
        by=manager,
        outcome="permanent",
        reason="Sixty visitors a month.",
        unit="Kirjastopalvelut",
        owner=manager,
        yearly_cost="2400",
        funding_line="Kirjastot",
        follow_up_on=timezone.localdate() + timedelta(days=90),
    )
    finance = factories.FinanceFactory(email="talous@example.org")
    services.grant_mark_paid(grant=approved.grant, by=finance, paid_on=timezone.localdate())
    Idea.objects.filter(pk=removed.pk).delete()
    after_the_end = timezone.localdate() + timedelta(days=61)
    assert any(services.advance_pilots_by_date(today=after_the_end).values())

    written = figures.refresh()
    assert written > 0
    assert not IdeaChange.objects.filter(reader=IdeaChange.Reader.FIGURES).exists()
    _assert_same_as_full(_stored())


@pytest.mark.django_db
def test_only_the_districts_that_changed_are_computed_again(two_districts, make_idea, monkeypatch):
    iittala, jukola = two_districts
    make_idea("closed", title="Lukukoira kirjastossa")
    make_idea("running", title="Talkoot", district=jukola)
    figures.refresh(full=True)
    jukola_before = {k: v for k, v in _stored().items() if k.startswith(f"d{jukola.pk}:")}

    computed = []
    real = figures.compute

    def spied(**kwargs):
        computed.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(figures, "compute", spied)
    make_idea("submitted", title="Uusi idea")
    figures.refresh()
    assert computed == [{"district_ids": {iittala.pk}}]
    after = _stored()
    assert {k: v for k, v in after.items() if k.startswith(f"d{jukola.pk}:")} == jukola_before
    assert after[figures.key_of(None, None)]["status"]["submitted"] == 1
    monkeypatch.undo()
    _assert_same_as_full(after)


@pytest.mark.django_db
def test_a_refresh_with_nothing_noted_computes_nothing_and_renews_the_age(
    district, make_idea, monkeypatch
):
    make_idea("closed")
    figures.refresh(full=True)
    ReportFigures.objects.update(computed_at=timezone.now() - timedelta(hours=1))
    monkeypatch.setattr(figures, "compute", lambda **kwargs: pytest.fail("computed"))
    assert figures.refresh() == 0
    oldest = min(ReportFigures.objects.values_list("computed_at", flat=True))
    assert timezone.now() - oldest < timedelta(minutes=1)


@pytest.mark.django_db
def test_drafts_note_nothing_and_a_change_rolled_back_leaves_no_note(
    district, open_round, resident, make_idea
):
    draft = make_idea("draft")
    draft.title = "Vielä luonnos"
    draft.save()
    assert not IdeaChange.objects.exists()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.idea_submit(idea=draft, by=resident)
        assert IdeaChange.objects.filter(idea_id=draft.pk).count() == 2  # one per reader
        raise RuntimeError
    assert not IdeaChange.objects.exists()

    services.idea_submit(idea=Idea.objects.get(pk=draft.pk), by=resident)
    readers = set(IdeaChange.objects.values_list("reader", flat=True))
    assert readers == {IdeaChange.Reader.FIGURES, IdeaChange.Reader.TERMS}


@pytest.mark.django_db
def test_decision_times_are_kept_exactly_enough_to_take_away(district, make_idea):
    """Hundredths of a day begun: a decision at 1 day and 1 second is in the second day."""
    idea = make_idea("approved")
    submitted = idea.submitted_at
    Idea.objects.filter(pk=idea.pk).update(decided_at=submitted + timedelta(days=1, seconds=1))
    figures.refresh(full=True)
    data = ReportFigures.objects.get(key=figures.key_of(district.pk, None)).data
    assert data["days"] == {"101": 1}
    assert data["decision_days"]["histogram"] == {"2": 1}
    assert data["decision_days"]["median"] == pytest.approx(1.01)


@pytest.mark.django_db
def test_an_idea_moved_to_another_district_leaves_the_first_one(two_districts, make_idea, resident):
    iittala, jukola = two_districts
    idea = make_idea("submitted", title="Muuttava idea")
    make_idea("closed", title="Pysyvä", district=jukola)
    figures.refresh(full=True)
    services.idea_update(idea=idea, by=resident, district=jukola)
    figures.refresh()
    stored = _stored()
    assert stored[figures.key_of(iittala.pk, None)]["status"].get("submitted", 0) == 0
    assert stored[figures.key_of(None, None)]["status"]["submitted"] == 1
    _assert_same_as_full(stored)


@pytest.mark.django_db
def test_money_that_falls_to_nothing_reads_as_a_full_refresh_would(two_districts, make_idea):
    """A total that falls to zero by differences is written as one computed at once."""
    pilot = make_idea("approved", title="Ainoa")
    figures.refresh(full=True)
    assert _stored()[figures.key_of(None, None)]["granted_eur"] == "500.00"
    Grant.objects.filter(idea=pilot).delete()
    Idea.objects.filter(pk=pilot.pk).delete()
    figures.refresh()
    assert _stored()[figures.key_of(None, None)]["granted_eur"] == "0.00"
    _assert_same_as_full(_stored())


@pytest.mark.django_db
def test_figures_stored_before_the_counts_of_decision_times_are_computed_in_full(
    district, make_idea, monkeypatch
):
    make_idea("approved")
    figures.refresh(full=True)
    for row in ReportFigures.objects.all():
        row.data.pop("days")  # as the earlier version stored them
        row.save()
    calls = []
    real = figures._refresh_all
    monkeypatch.setattr(figures, "_refresh_all", lambda: calls.append(1) or real())
    figures.refresh()
    assert calls == [1]
    assert "days" in ReportFigures.objects.get(key=figures.key_of(None, None)).data
