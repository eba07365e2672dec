"""The resident agent's decisions: approve (alone or in bulk, within the budget), decline, ask
for more, release a held idea, introduce a partner."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from actors import roles
from actors.models import Actor, User
from audit.models import AuditEvent
from audit.services import record as audit_record
from common.money import amount_text

from ..models import (
    Grant,
    Idea,
    Introduction,
    Message,
    Round,
)
from ..selectors import agents_of
from ..workflow import (
    Action,
    Role,
    WorkflowError,
)
from .base import (
    BudgetExceeded,
    _announce_submission,
    _change_status,
    _save,
    _tell_maker,
)
from .notifications import notify


def _held(idea: Idea, *, refusal: str) -> Idea:
    """The idea, locked, if it is held for moderation; else the refusal."""
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    if not locked.held_reason:
        raise WorkflowError(refusal)
    return locked


@transaction.atomic
def idea_release(*, idea: Idea, by: User) -> Idea:
    """A held submission is not spam after all: it joins the queue and everyone is told."""
    if not (roles.is_agent(by) and roles.in_scope(by, idea.district_id)):
        raise PermissionDenied
    locked = _held(idea, refusal=_("This idea is not waiting for moderation."))
    Message.objects.create(
        idea=locked,
        author=by,
        body=_("Released from moderation (held because %(reason)s).")
        % {"reason": locked.held_reason_text},
        internal=True,
        from_agent=True,
    )
    locked.held_reason = ""
    locked.save(update_fields=["held_reason", "updated_at"])
    audit_record(by, AuditEvent.Action.IDEA_RELEASED, locked, district=idea.district.slug)
    _announce_submission(locked)
    return locked


@transaction.atomic
def idea_discard_spam(*, idea: Idea, by: User) -> Idea:
    """A held submission is spam: it leaves the queue without an email to its sender, and is
    kept (with its audit row) for the moderation statistics."""
    locked = _held(idea, refusal=_("Only an idea held for moderation can be discarded as spam."))
    locked = _change_status(
        idea=locked, action=Action.DISCARD, by=by, role=Role.AGENT, reason=locked.held_reason_text
    )
    locked.decided_at = timezone.now()
    _save(locked, "decided_at")
    audit_record(by, AuditEvent.Action.IDEA_DISCARDED, locked, district=locked.district.slug)
    return locked


@transaction.atomic
def idea_ask_info(*, idea: Idea, by: User, question: str) -> Idea:
    if not question.strip():
        raise ValidationError({"question": _("Write the question for the applicant.")})
    idea = _change_status(
        idea=idea, action=Action.ASK_INFO, by=by, role=Role.AGENT, reason=question
    )
    idea.info_request = question
    _save(idea, "info_request")
    Message.objects.create(idea=idea, author=by, body=question, from_agent=True)
    audit_record(by, AuditEvent.Action.IDEA_INFO_REQUESTED, idea, district=idea.district.slug)
    _tell_maker(idea, "idea_decided")
    return idea


@transaction.atomic
def idea_answer(*, idea: Idea, by: User, answer: str) -> Idea:
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer to the question.")})
    idea = _change_status(
        idea=idea, action=Action.ANSWER, by=by, role=Role.APPLICANT, reason=answer
    )
    idea.info_answer = answer
    _save(idea, "info_answer")
    message = Message.objects.create(idea=idea, author=by, body=answer)
    for agent in agents_of(idea=idea):
        notify(
            recipient=agent, kind="message_to_agent", idea=idea, context={"message_id": message.pk}
        )
    return idea


@transaction.atomic
def idea_approve(*, idea: Idea, by: User, amount: Decimal | None = None) -> Idea:
    """Grant the pilot its money. The round's budget is kept by a database constraint, so two
    agents approving at once can never overspend it. Without an amount: the one-click grant."""
    return _approve(idea=idea, by=by, amount=amount)


def _approve(*, idea: Idea, by: User, amount: Decimal | None, bulk: bool = False) -> Idea:
    idea = _change_status(idea=idea, action=Action.APPROVE, by=by, role=Role.AGENT)
    if not idea.needs_grant:
        return _approve_without_grant(idea=idea, by=by, bulk=bulk)
    round_ = idea.round
    fast_track = amount is None
    amount = idea.fast_track_amount if fast_track else Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The grant must be more than zero.")})
    if amount > round_.max_grant:
        raise ValidationError(
            {
                "amount": _("The grant can be at most %(max)s €.")
                % {"max": amount_text(round_.max_grant)}
            }
        )
    try:
        with transaction.atomic():
            Round.objects.filter(pk=round_.pk).update(granted_total=F("granted_total") + amount)
    except IntegrityError as error:
        round_.refresh_from_db(fields=["budget", "granted_total"])
        raise BudgetExceeded(
            _("The round has only %(remaining)s € left; %(amount)s € cannot be granted.")
            % {"remaining": amount_text(round_.remaining), "amount": amount_text(amount)}
        ) from error
    now = timezone.now()
    grant = Grant.objects.create(
        idea=idea, round=round_, amount=amount, decided_by=by, decided_at=now
    )
    idea.decided_at = now
    _save(idea, "decided_at")
    audit_record(
        by,
        AuditEvent.Action.IDEA_FAST_TRACKED if fast_track else AuditEvent.Action.IDEA_APPROVED,
        idea,
        amount=amount,
        amount_asked=idea.amount,
        grant=grant.pk,
        district=idea.district.slug,
        **({"bulk": True} if bulk else {}),
    )
    _tell_maker(idea, "idea_decided")
    return idea


def _approve_without_grant(*, idea: Idea, by: User, bulk: bool) -> Idea:
    """An experiment that asked for no money: the go-ahead, no grant, the budget untouched."""
    idea.decided_at = timezone.now()
    _save(idea, "decided_at")
    audit_record(
        by,
        AuditEvent.Action.IDEA_APPROVED,
        idea,
        amount=Decimal("0"),
        without_grant=True,
        district=idea.district.slug,
        **({"bulk": True} if bulk else {}),
    )
    _tell_maker(idea, "idea_decided")
    return idea


@transaction.atomic
def ideas_approve_bulk(*, ideas: list[Idea], by: User) -> list[Idea]:
    """Approve several ideas with their one-click grant: all of them, or none if the budget
    cannot cover them all or one of them cannot be approved.

    Every idea is locked first, in id order, and only then the round (each approval adds to
    its granted total): the order a single approval takes too (its idea, then the round), so a
    bulk approval and another approval of one of its ideas wait for each other instead of
    deadlocking."""
    list(
        Idea.objects.select_for_update()
        .filter(pk__in=[idea.pk for idea in ideas])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [
        _approve(idea=idea, by=by, amount=None, bulk=True)
        for idea in sorted(ideas, key=lambda idea: idea.pk)
    ]


@transaction.atomic
def idea_decline(*, idea: Idea, by: User, reason: str) -> Idea:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the applicant a reason for declining.")})
    idea = _change_status(idea=idea, action=Action.DECLINE, by=by, role=Role.AGENT, reason=reason)
    idea.decision_reason = reason
    idea.decided_at = timezone.now()
    _save(idea, "decision_reason", "decided_at")
    audit_record(
        by,
        AuditEvent.Action.IDEA_DECLINED,
        idea,
        district=idea.district.slug,
        amount_asked=idea.amount,
    )
    _tell_maker(idea, "idea_decided")
    return idea


@transaction.atomic
def actor_introduce(*, idea: Idea, actor: Actor, by: User) -> Introduction:
    """Put the idea's makers in touch with an actor who ran related pilots: both get an email."""
    if not (roles.is_agent(by) and roles.in_scope(by, idea.district_id)):
        raise PermissionDenied
    if actor.pk == idea.applicant_id:
        raise ValidationError(_("The applicant cannot be introduced to themselves."))
    introduction, created = Introduction.objects.get_or_create(
        idea=idea, actor=actor, defaults={"introduced_by": by}
    )
    if not created:
        raise WorkflowError(_("They have already been introduced."))
    Message.objects.create(
        idea=idea,
        author=by,
        body=_("Introduced to %(actor)s.") % {"actor": actor.name},
        internal=True,
        from_agent=True,
    )
    _tell_maker(idea, "introduction_to_maker", introduction_id=introduction.pk)
    for member in actor.members.filter(is_active=True):
        notify(
            recipient=member,
            kind="introduction_to_partner",
            idea=idea,
            context={"introduction_id": introduction.pk},
        )
    return introduction
