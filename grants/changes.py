"""Notes of what changed, so that the report figures and the search terms' counts are refreshed
for what changed since the last refresh, not for the whole country.

A save or removal of an idea (other than a draft's), of its grant, closing report or the city's
decision, and a change of its partners write one note for each reader (one INSERT, in the same
transaction as the change: a change rolled back leaves no note). Code that writes with
`QuerySet.update` notes its ideas itself (`note_ideas`). What no note covers (an actor's kind
changed, data loaded by hand) the nightly full refresh brings in.

Each note also ends what the agents' idea mill keeps (common/versions.IDEAS), as do the saves and
removals of what else it compares: lessons, introductions, actors and the ideas' vectors.
"""

from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save

from common import versions

from .models import (
    CityDecision,
    ClosingReport,
    Grant,
    Idea,
    IdeaChange,
    IdeaEmbedding,
    Introduction,
    Lesson,
)
from .workflow import Status

READERS = tuple(IdeaChange.Reader.values)


def note_ideas(ideas: Iterable[tuple[int, int | None]], readers: Iterable[str] = READERS) -> None:
    """Note (idea id, district id) pairs for the readers (the district may be None: the refresh
    reads it from the idea)."""
    rows = [
        IdeaChange(reader=reader, idea_id=idea_id, district_id=district_id)
        for idea_id, district_id in ideas
        for reader in readers
    ]
    if rows:
        IdeaChange.objects.bulk_create(rows)
        versions.bump(versions.IDEAS)


# A refresh removes the notes it has read this many at a time.
NOTES_AT_ONCE = 5000


def notes_for(reader: str) -> list[tuple[int, int | None, int | None]]:
    """The notes waiting for a reader, as (note id, idea id, district id)."""
    return list(
        IdeaChange.objects.filter(reader=reader).values_list("pk", "idea_id", "district_id")
    )


def notes_done(notes) -> None:
    """Remove the notes a refresh has read, by their ids: a note written meanwhile stays."""
    pks = [pk for pk, _idea, _district in notes]
    for start in range(0, len(pks), NOTES_AT_ONCE):
        IdeaChange.objects.filter(pk__in=pks[start : start + NOTES_AT_ONCE]).delete()


def _idea_saved(sender, instance, raw=False, **kwargs):
    # A draft counts nowhere yet, and no step leads back to a draft: its many saves note nothing.
    if raw or instance.status == Status.DRAFT:
        return
    note_ideas([(instance.pk, instance.district_id)])


def _idea_removed(sender, instance, **kwargs):
    if instance.status != Status.DRAFT:
        note_ideas([(instance.pk, instance.district_id)])


def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        note_ideas([(instance.idea_id, None)], readers=[IdeaChange.Reader.FIGURES])


def _partners_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # an actor's ideas, which the clear does not name
        ideas = [(pk, None) for pk in instance.partner_ideas.values_list("pk", flat=True)]
        note_ideas(ideas, readers=[IdeaChange.Reader.FIGURES])
        return
    if action not in ("post_add", "post_remove", "post_clear") or (reverse and not pk_set):
        return
    # An actor's ideas changed (reverse), or an idea's partners.
    ideas = [(pk, None) for pk in pk_set] if reverse else [(instance.pk, instance.district_id)]
    note_ideas(ideas, readers=[IdeaChange.Reader.FIGURES])


def _compared_changed(sender, raw=False, **kwargs):
    if not raw:
        versions.bump(versions.IDEAS)


def connect() -> None:
    from actors.models import Actor

    uid = "grants.changes."
    for model in (Lesson, Introduction, Actor, IdeaEmbedding):
        name = model.__name__
        post_save.connect(_compared_changed, sender=model, dispatch_uid=f"{uid}{name}_compared")
        post_delete.connect(_compared_changed, sender=model, dispatch_uid=f"{uid}{name}_gone")
    post_save.connect(_idea_saved, sender=Idea, dispatch_uid=uid + "idea_saved")
    post_delete.connect(_idea_removed, sender=Idea, dispatch_uid=uid + "idea_removed")
    for model in (Grant, ClosingReport, CityDecision):
        name = model.__name__
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"{uid}{name}_saved")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"{uid}{name}_removed")
    m2m_changed.connect(
        _partners_changed, sender=Idea.partners.through, dispatch_uid=uid + "partners"
    )
