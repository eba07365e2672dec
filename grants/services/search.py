"""The search terms of each idea and how rare each is, and the meaning (vectors) of ideas and
lessons, for the similar-pilot lookups and the themes."""

import hashlib
import logging
from collections import Counter

from django.db import transaction
from django.utils import timezone

from common import broker, embeddings, locks, versions

from .. import changes as change_notes
from ..models import (
    ClosingReport,
    CountedTerms,
    Idea,
    IdeaChange,
    IdeaEmbedding,
    IdeaTerm,
    Lesson,
    LessonEmbedding,
    TermStat,
)
from ..similarity import language_of, terms_of
from ..workflow import PAST_STATUSES, Status

logger = logging.getLogger(__name__)


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
    if idea.status != Status.DRAFT:
        change_notes.note_ideas([(idea.pk, idea.district_id)], readers=[IdeaChange.Reader.TERMS])
    idea_embedding_schedule(idea_id=idea.pk)
    return len(terms)


def term_stats_refresh(*, full: bool = False) -> int:
    """Count, for every search term, the past pilots that use it (for similar-pilot lookups);
    the empty term holds the number of past pilots. Returns the number of terms written.

    Incremental by default: for the ideas noted as changed since the last refresh
    (grants.changes), the terms they were counted with (CountedTerms) are taken away and the
    terms of those that are past pilots now are added. Full where nothing is counted yet, or
    when asked (every night, and after an erasure). The row of the empty term is locked first,
    so refreshes run one after the other."""
    with transaction.atomic():
        locks.hold(TERM_STATS_LOCK)
        # Nothing counted yet, or counted before the counted terms were kept: all of it.
        counted = CountedTerms.objects.exists() or not TermStat.objects.exclude(term="").exists()
        if full or not counted or not TermStat.objects.filter(term="").exists():
            written = _term_stats_all()
        else:
            written = _term_stats_changed()
        if written:  # the words' weights in the idea mill's findings
            versions.bump(versions.PAST_PILOTS)
        return written


# Held by every refresh of the counts and by the erasure's changes to them.
TERM_STATS_LOCK = "grants:term-stats"


def _past_count() -> int:
    return Idea.objects.filter(status__in=PAST_STATUSES).count()


def _terms_by_idea(ideas) -> dict[int, list[str]]:
    by_idea: dict[int, list[str]] = {}
    rows = (
        IdeaTerm.objects.filter(idea__in=ideas)
        .order_by("idea_id", "term")
        .values_list("idea_id", "term")
    )
    for idea_id, term in rows.iterator(chunk_size=20000):
        by_idea.setdefault(idea_id, []).append(term)
    return by_idea


def _term_stats_all() -> int:
    notes = change_notes.notes_for(IdeaChange.Reader.TERMS)
    past = Idea.objects.filter(status__in=PAST_STATUSES)
    # One read of the postings, so the counts and what each pilot is counted with agree.
    by_idea = _terms_by_idea(past.values("pk"))
    counts: Counter[str] = Counter()
    for terms in by_idea.values():
        counts.update(terms)
    TermStat.objects.all().delete()
    TermStat.objects.bulk_create(
        [TermStat(term="", pilots=_past_count())]
        + [TermStat(term=term, pilots=n) for term, n in sorted(counts.items())],
        batch_size=5000,
    )
    CountedTerms.objects.all().delete()
    CountedTerms.objects.bulk_create(
        (CountedTerms(idea_id=idea_id, terms=terms) for idea_id, terms in by_idea.items()),
        batch_size=5000,
    )
    change_notes.notes_done(notes)
    return TermStat.objects.count() - 1


def _term_stats_changed() -> int:
    notes = change_notes.notes_for(IdeaChange.Reader.TERMS)
    ideas = {idea for _pk, idea, _district in notes if idea}
    if not ideas:
        return 0
    old = dict(CountedTerms.objects.filter(idea_id__in=ideas).values_list("idea_id", "terms"))
    past = Idea.objects.filter(pk__in=ideas, status__in=PAST_STATUSES).values("pk")
    new = _terms_by_idea(past)
    delta: Counter[str] = Counter()
    for terms in old.values():
        delta.subtract(terms)
    for terms in new.values():
        delta.update(terms)
    changed = {term: n for term, n in delta.items() if n}
    counts = dict(TermStat.objects.filter(term__in=list(changed)).values_list("term", "pilots"))
    kept, gone = [], []
    for term, n in changed.items():
        pilots = counts.get(term, 0) + n
        (kept if pilots > 0 else gone).append(TermStat(term=term, pilots=max(pilots, 0)))
    kept.append(TermStat(term="", pilots=_past_count()))
    TermStat.objects.filter(term__in=[stat.term for stat in gone]).delete()
    TermStat.objects.bulk_create(
        kept,
        update_conflicts=True,
        unique_fields=["term"],
        update_fields=["pilots"],
        batch_size=5000,
    )
    CountedTerms.objects.filter(idea_id__in=ideas).delete()
    CountedTerms.objects.bulk_create(
        [CountedTerms(idea_id=idea_id, terms=terms) for idea_id, terms in new.items()],
        batch_size=5000,
    )
    change_notes.notes_done(notes)
    return len(kept) - 1 + len(gone)


# The meaning of ideas and lessons (common.embeddings), computed by Celery after commit, never in
# the request that saves them; a sweep picks up whatever a lost task or a model change left.

EMBEDDING_BATCH = 64


def idea_text(idea: Idea) -> str:
    """What an idea's vector says: its title, the need it answers and what will be done."""
    return "\n".join(part for part in (idea.title, idea.need, idea.plan) if part)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def idea_embedding_schedule(*, idea_id: int) -> None:
    """After the commit, Celery computes the idea's meaning (and its lessons')."""
    transaction.on_commit(lambda: _enqueue_embedding(idea_id))


def _enqueue_embedding(idea_id: int) -> None:
    # A broker that is down: the sweep embeds it later; the idea is usable without its vector.
    from .. import tasks

    broker.hand_over(tasks.embed_idea, idea_id)


def idea_embed(*, idea_id: int) -> bool:
    """Compute and store the vectors of one idea and of its lessons, unless they are current.
    Returns True when something was computed. Raises EmbeddingsUnavailable without a model."""
    idea = Idea.objects.filter(pk=idea_id).only("title", "need", "plan").first()
    if idea is None:
        return False
    done = _embed_ideas([idea])
    if done:
        # After the commit, which the new vector's versions are bumped at (grants/changes.py).
        transaction.on_commit(lambda: _mill_ready(idea_id))
    lessons = list(Lesson.objects.filter(report__idea_id=idea_id).only("text"))
    return bool(done + _embed_lessons(lessons))


def _mill_ready(idea_id: int) -> None:
    """What the idea mill finds for an idea waiting for its agent, found here (in the worker,
    with the vector just stored) and kept, so that the agent who opens the idea first does not
    wait for it."""
    from .. import selectors

    idea = selectors.idea_alone(idea_id=idea_id)
    if idea is not None and idea.status in (Status.SUBMITTED, Status.NEEDS_INFO):
        selectors.idea_mill(idea=idea, with_partners=True)


def _embed_ideas(ideas: list[Idea]) -> int:
    return _embed(
        IdeaEmbedding,
        "idea_id",
        {idea.pk: idea_text(idea) for idea in ideas},
        language=lambda text: {"language": language_of(text)},
        as_questions=True,
    )


def _embed_lessons(lessons: list[Lesson]) -> int:
    return _embed(LessonEmbedding, "lesson_id", {lesson.pk: lesson.text for lesson in lessons})


def _embed(
    model, key: str, texts: dict[int, str], language=lambda text: {}, as_questions=False
) -> int:
    """Store the vectors of the texts whose stored vector is missing, of another model, or of
    another text (and with `as_questions`, the texts' vectors as questions beside them). Returns
    how many were computed."""
    version = embeddings.model_version()
    current = model.objects.filter(**{f"{key}__in": texts, "model_version": version})
    if as_questions:  # rows stored before the questions were
        current = current.filter(question__isnull=False)
    stored = dict(current.values_list(key, "text_hash"))
    due = [pk for pk, text in texts.items() if stored.get(pk) != _digest(text)]
    if not due:
        return 0
    vectors = embeddings.embed_passages([texts[pk] for pk in due])
    questions = embeddings.embed_queries([texts[pk] for pk in due]) if as_questions else None
    now = timezone.now()
    with transaction.atomic():
        for row, (pk, vector) in enumerate(zip(due, vectors, strict=True)):
            extra = {"question": embeddings.to_bytes(questions[row])} if as_questions else {}
            model.objects.update_or_create(
                **{key: pk},
                defaults={
                    "vector": embeddings.to_bytes(vector),
                    "model_version": version,
                    "text_hash": _digest(texts[pk]),
                    "computed_at": now,
                    **language(texts[pk]),
                    **extra,
                },
            )
    return len(due)


def embeddings_sweep(*, limit: int = 2000) -> dict[str, int]:
    """Embed the ideas and lessons that have no vector of the current model yet, in batches,
    at most `limit` of each: what a lost task, a broker outage or a new model left behind.
    Returns the counts; nothing (and no error) when the model cannot load here."""
    if not embeddings.available():
        return {"ideas": 0, "lessons": 0, "unavailable": 1}
    version = embeddings.model_version()
    current_ideas = IdeaEmbedding.objects.filter(
        model_version=version, question__isnull=False
    ).values("idea_id")
    current_lessons = LessonEmbedding.objects.filter(model_version=version).values("lesson_id")
    ideas = Idea.objects.exclude(pk__in=current_ideas).only("title", "need", "plan")
    lessons = Lesson.objects.exclude(pk__in=current_lessons).only("text")
    counts = {"ideas": 0, "lessons": 0}
    for name, rows, embed in (("ideas", ideas, _embed_ideas), ("lessons", lessons, _embed_lessons)):
        batch = []
        for row in rows.order_by("pk")[:limit].iterator(chunk_size=EMBEDDING_BATCH):
            batch.append(row)
            if len(batch) == EMBEDDING_BATCH:
                counts[name] += embed(batch)
                batch = []
        if batch:
            counts[name] += embed(batch)
    return counts
