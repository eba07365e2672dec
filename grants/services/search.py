"""The search terms of each idea and how rare each is, for the similar-pilot lookups."""

from django.db import transaction
from django.db.models import Count

from ..models import (
    ClosingReport,
    Idea,
    IdeaTerm,
    TermStat,
)
from ..similarity import terms_of
from ..workflow import (
    PAST_STATUSES,
)


@transaction.atomic
def idea_index_terms(*, idea: Idea) -> int:
    """Recompute the idea's search terms from what it says and, once reported, what it taught."""
    texts = [idea.title, idea.need, idea.plan]
    report = ClosingReport.objects.filter(idea=idea).first()
    if report is not None:
        texts += [report.what_worked, report.what_did_not_work]
        texts += list(report.lessons.values_list("text", flat=True))
    terms = terms_of(" ".join(texts))
    IdeaTerm.objects.filter(idea=idea).delete()
    IdeaTerm.objects.bulk_create(IdeaTerm(idea=idea, term=term) for term in sorted(terms))
    return len(terms)


@transaction.atomic
def term_stats_refresh() -> int:
    """Count, for every search term, the past pilots that use it (for similar-pilot lookups);
    the empty term holds the number of past pilots. Returns the number of terms."""
    counts = (
        IdeaTerm.objects.filter(idea__status__in=PAST_STATUSES)
        .values_list("term")
        .annotate(n=Count("id"))
        .order_by()
    )
    TermStat.objects.all().delete()
    TermStat.objects.bulk_create(
        [TermStat(term="", pilots=Idea.objects.filter(status__in=PAST_STATUSES).count())]
        + [TermStat(term=term, pilots=n) for term, n in counts.iterator(chunk_size=5000)],
        batch_size=5000,
    )
    return TermStat.objects.count() - 1
