"""The search terms' counts are refreshed for the ideas that changed since the last refresh,
and give what a full count gives."""

import pytest

from grants import services
from grants.models import ClosingReport, CountedTerms, Idea, IdeaChange, TermStat
from tests.concurrency import at_once


def _stats() -> dict[str, int]:
    return dict(TermStat.objects.values_list("term", "pilots"))


def _assert_same_as_full() -> None:
    incremental = _stats()
    services.term_stats_refresh(full=True)
    assert incremental == _stats()


@pytest.mark.django_db
def test_changed_ideas_counted_incrementally_give_what_a_full_count_gives(make_idea, agent):
    make_idea("closed", title="Kahvila kirjastossa", need="Ikäihmiset kaipaavat seuraa")
    kept = make_idea("reported", title="Kirpputori koululla", need="Tavarat kiertämään")
    make_idea("running", title="Lumityöt talkoilla", need="Pihat lumesta")
    services.term_stats_refresh(full=True)
    assert CountedTerms.objects.count() == 2
    assert not IdeaChange.objects.filter(reader=IdeaChange.Reader.TERMS).exists()
    before = _stats()

    # A new past pilot, a pilot's lessons adding words, a past pilot sent back to its makers,
    # an idea that is not past changing.
    make_idea("closed", title="Kahvila koululla", need="Lapset ja vanhukset yhdessä")
    report = ClosingReport.objects.get(idea=kept)
    report.lessons.create(text="Pyöräkorjaamo houkutteli naapurit")
    services.idea_index_terms(idea=Idea.objects.get(pk=kept.pk))
    returned = make_idea("reported", title="Kahvila torilla", need="Torille eloa")
    services.term_stats_refresh()
    assert _stats()["torilla"] == 1
    services.closing_report_return(idea=returned, by=agent, question="How many came?")
    running = Idea.objects.get(title="Lumityöt talkoilla")
    running.plan = "Lapioita lainaan naapureille"
    running.save()

    written = services.term_stats_refresh()
    assert written > 0
    stats = _stats()
    assert stats[""] == 3
    assert "torilla" not in stats
    assert stats["kahvila"] == before["kahvila"] + 1
    assert not IdeaChange.objects.filter(reader=IdeaChange.Reader.TERMS).exists()
    _assert_same_as_full()


@pytest.mark.django_db
def test_a_refresh_reads_only_the_changed_ideas_terms(make_idea, django_assert_max_num_queries):
    for n in range(6):
        make_idea("closed", title=f"Kahvila numero {n}", need="Ikäihmiset kaipaavat seuraa")
    services.term_stats_refresh(full=True)
    make_idea("closed", title="Pyöräkorjaamo", need="Pyörät kuntoon keväällä")
    # Lock, notes, counted terms, past ideas, their terms, counts, the number of past pilots,
    # removal, upsert, counted terms out and in, notes done: the same however many pilots.
    with django_assert_max_num_queries(14):
        services.term_stats_refresh()
    _assert_same_as_full()


@pytest.mark.django_db
def test_a_reported_pilot_sent_back_leaves_the_counts(make_idea, agent):
    pilot = make_idea("reported", title="Kahvila kirjastossa", need="Ikäihmiset kaipaavat seuraa")
    services.term_stats_refresh(full=True)
    assert _stats()[""] == 1
    services.closing_report_return(idea=pilot, by=agent, question="How many came?")
    services.term_stats_refresh()
    assert _stats() == {"": 0}
    assert not CountedTerms.objects.exists()
    _assert_same_as_full()


@pytest.mark.django_db
def test_counts_made_before_the_counted_terms_were_kept_are_made_again_in_full(make_idea):
    make_idea("closed", title="Kahvila kirjastossa", need="Ikäihmiset kaipaavat seuraa")
    services.term_stats_refresh(full=True)
    CountedTerms.objects.all().delete()  # as the earlier version left them
    services.term_stats_refresh()
    assert CountedTerms.objects.count() == 1
    _assert_same_as_full()


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_run_one_after_the_other(make_idea):
    make_idea("closed", title="Kahvila kirjastossa", need="Ikäihmiset kaipaavat seuraa")
    assert at_once(lambda: services.term_stats_refresh(full=True)) == []
    assert at_once(services.term_stats_refresh) == []
    assert TermStat.objects.filter(term="").get().pilots == 1
    _assert_same_as_full()
