"""Notes of what changed, so that the report figures and the search terms' counts are refreshed
for what changed since the last refresh, not for the whole country.

A save or removal of an idea (other than a draft's), of its grant, closing report or the city's
decision, and a change of its partners write one note for each reader (one INSERT, in the same
transaction as the change: a change rolled back leaves no note). Code that writes with
`QuerySet.update` notes its ideas itself (`note_ideas`). What no note covers (an actor's kind
changed, data loaded by hand) the nightly full refresh brings in.

The same receivers end what the agents' idea mill keeps (grants/selectors.idea_mill), as
narrowly as they can (common/versions): an idea sent ends its own findings and its round's, and
only a past pilot (or one that was: a returned report) ends every idea's; so do an idea's vector,
partners and introductions, an actor, and a change of the search terms' counts. A status changed
with `QuerySet.update` by the sweep moves ideas between statuses that the mill treats alike.
"""

from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save

from common import versions

from .models import (
    Attachment,
    BudgetLine,
    CityDecision,
    ClosingReport,
    Grant,
    Idea,
    IdeaChange,
    IdeaEmbedding,
    Introduction,
    Message,
    Payee,
    PaymentBatch,
    ReasonTemplate,
    Round,
)
from .workflow import PAST_STATUSES, Status

READERS = tuple(IdeaChange.Reader.values)


def note_ideas(ideas: Iterable[tuple[int, int | None]], readers: Iterable[str] = READERS) -> None:
    """Note (idea id, district id) pairs for the readers (the district may be None: the refresh
    reads it from the idea)."""
    ideas = list(ideas)
    rows = [
        IdeaChange(reader=reader, idea_id=idea_id, district_id=district_id)
        for idea_id, district_id in ideas
        for reader in readers
    ]
    if rows:
        IdeaChange.objects.bulk_create(rows)
        districts_changed(ideas)


def districts_changed(ideas: list[tuple[int, int | None]]) -> None:
    """What the lists kept for a district show (common/versions.district_ideas) is drawn again
    for the districts of these ideas (read from the ideas where not given)."""
    districts = {district_id for _idea, district_id in ideas if district_id is not None}
    unknown = [idea_id for idea_id, district_id in ideas if district_id is None]
    if unknown:
        districts.update(Idea.objects.filter(pk__in=unknown).values_list("district_id", flat=True))
    names = [versions.district_ideas(pk) for pk in sorted(districts) if pk is not None]
    versions.bump(versions.IDEAS_ANYWHERE, *names)


def owners_changed(ideas: Iterable[tuple[int | None, int | None]]) -> None:
    """The lists of the people whose ideas these are ((creator id, applicant id) pairs: the
    creator and the applicant's members) are drawn again (common/versions.person_ideas)."""
    from actors.models import Membership

    ideas = list(ideas)
    people = {creator for creator, _applicant in ideas if creator is not None}
    actors = {applicant for _creator, applicant in ideas if applicant is not None}
    if actors:
        members = Membership.objects.filter(actor_id__in=actors).values_list("user_id", flat=True)
        people.update(members)
    if people:
        versions.bump(*(versions.person_ideas(pk) for pk in sorted(people)))


# An idea leaves the past pilots only by a report returned, to this status.
LEFT_THE_PAST = Status.REPORT_DUE


def mill_changed(*, idea_id: int, round_id: int | None, status: str) -> None:
    """What the idea mill found for this idea, for its round's ideas, and where it is or was a
    past pilot, for every idea, is found again at the next request."""
    names = [versions.idea_own(idea_id)]
    if round_id is not None:
        names.append(versions.round_ideas(round_id))
    if status in PAST_STATUSES or status == LEFT_THE_PAST:
        names.append(versions.PAST_PILOTS)
    versions.bump(*names)


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
    if raw:
        return
    before = getattr(instance, "loaded_applicant_id", None)
    owners_changed([(instance.created_by_id, instance.applicant_id), (None, before)])
    instance.loaded_applicant_id = instance.applicant_id
    # A draft counts nowhere yet, and no step leads back to a draft: its many saves note nothing.
    if instance.status == Status.DRAFT:
        return
    note_ideas([(instance.pk, instance.district_id)])
    mill_changed(idea_id=instance.pk, round_id=instance.round_id, status=instance.status)


def _idea_removed(sender, instance, **kwargs):
    owners_changed([(instance.created_by_id, instance.applicant_id)])
    if instance.status != Status.DRAFT:
        note_ideas([(instance.pk, instance.district_id)])
        mill_changed(idea_id=instance.pk, round_id=instance.round_id, status=instance.status)


def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        note_ideas([(instance.idea_id, None)], readers=[IdeaChange.Reader.FIGURES])


def _partners_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # an actor's ideas, which the clear does not name
        ideas = [(pk, None) for pk in instance.partner_ideas.values_list("pk", flat=True)]
        note_ideas(ideas, readers=[IdeaChange.Reader.FIGURES])
        versions.bump(versions.PAST_PILOTS, *(versions.idea_page(pk) for pk, _district in ideas))
        return
    if action not in ("post_add", "post_remove", "post_clear") or (reverse and not pk_set):
        return
    # An actor's ideas changed (reverse), or an idea's partners.
    ideas = [(pk, None) for pk in pk_set] if reverse else [(instance.pk, instance.district_id)]
    versions.bump(*(versions.idea_page(pk) for pk, _district in ideas))
    note_ideas(ideas, readers=[IdeaChange.Reader.FIGURES])
    if reverse:
        versions.bump(versions.PAST_PILOTS)
    elif instance.status != Status.DRAFT:
        mill_changed(idea_id=instance.pk, round_id=None, status=instance.status)


def _vector_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    idea = Idea.objects.filter(pk=instance.idea_id).values("round_id", "status").first()
    if idea is not None and idea["status"] != Status.DRAFT:
        mill_changed(idea_id=instance.idea_id, **idea)


def _introduced(sender, instance, raw=False, **kwargs):
    if not raw:
        versions.bump(versions.idea_own(instance.idea_id))


def _actor_changed(sender, raw=False, **kwargs):
    if not raw:  # its kind decides whether it is suggested as a partner
        versions.bump(versions.PAST_PILOTS)


def _idea_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        versions.bump(versions.idea_page(instance.idea_id))


def _reasons_changed(sender, raw=False, **kwargs):
    if not raw:
        versions.bump(versions.REASONS)


def _member_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # the person's list shows their organisations' ideas
        versions.bump(versions.person_ideas(instance.user_id))


def _money_changed(sender, raw=False, **kwargs):
    if not raw:
        versions.bump(versions.MONEY)


def connect() -> None:
    from actors.models import Actor, Membership

    uid = "grants.changes."
    for model, receiver in (
        (IdeaEmbedding, _vector_changed),
        (Introduction, _introduced),
        (Actor, _actor_changed),
    ):
        name = model.__name__
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}{name}_compared")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}{name}_gone")
    post_save.connect(_idea_saved, sender=Idea, dispatch_uid=uid + "idea_saved")
    post_delete.connect(_idea_removed, sender=Idea, dispatch_uid=uid + "idea_removed")
    for model in (Grant, ClosingReport, CityDecision):
        name = model.__name__
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"{uid}{name}_saved")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"{uid}{name}_removed")
    for model in (Message, BudgetLine, Attachment):
        name = model.__name__
        post_save.connect(_idea_part_changed, sender=model, dispatch_uid=f"{uid}{name}_page")
        post_delete.connect(_idea_part_changed, sender=model, dispatch_uid=f"{uid}{name}_gone")
    post_save.connect(_reasons_changed, sender=ReasonTemplate, dispatch_uid=uid + "reason_saved")
    post_delete.connect(_reasons_changed, sender=ReasonTemplate, dispatch_uid=uid + "reason_gone")
    post_save.connect(_member_changed, sender=Membership, dispatch_uid=uid + "member")
    post_delete.connect(_member_changed, sender=Membership, dispatch_uid=uid + "no_member")
    # The rounds' sums change with `QuerySet.update`, always beside a grant or batch saved.
    for model in (Round, Grant, PaymentBatch, Payee):
        name = model.__name__
        post_save.connect(_money_changed, sender=model, dispatch_uid=f"{uid}{name}_money")
        post_delete.connect(_money_changed, sender=model, dispatch_uid=f"{uid}{name}_no_money")
    m2m_changed.connect(
        _partners_changed, sender=Idea.partners.through, dispatch_uid=uid + "partners"
    )
