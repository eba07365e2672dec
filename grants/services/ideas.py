"""Writing an idea: create, edit, send, withdraw; ideas entered for someone and claimed; the
thread, budget lines and attachments; deleting drafts."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors import roles
from actors.models import Actor, District, Membership, User
from actors.services import actor_resident_for_user

from .. import changes as change_notes
from ..models import (
    Attachment,
    BudgetLine,
    Idea,
    IdeaChange,
    Message,
    StatusChange,
)
from ..selectors import agents_of, idea_is_owned_by, round_for_district
from ..uploads import MAX_ATTACHMENTS_PER_IDEA, sniff_content_type, without_metadata
from ..workflow import (
    EDITABLE_STATUSES,
    Action,
    Role,
    Status,
    WorkflowError,
)
from .base import (
    DuplicateSubmission,
    _announce_submission,
    _change_status,
    _save,
    _tell_maker,
)
from .notifications import notify
from .search import (
    idea_index_terms,
)


@transaction.atomic
def idea_create(
    *,
    created_by: User,
    title: str,
    need: str,
    plan: str,
    age_groups: list[str],
    district: District,
    starts_on: date,
    ends_on: date,
    amount: Decimal,
    applicant: Actor | None = None,
    partners: list[Actor] | None = None,
    partners_text: str = "",
    needs_grant: bool = True,
    help_needed: str = "",
    today: date | None = None,
    submission_key: str | None = None,
    origin: Idea | None = None,
    _assisting: bool = False,
) -> Idea:
    """A new idea as a draft, in the open round that covers its district; `origin`, the
    published pilot it repeats."""
    # Only an agent entering someone's idea may name an actor they do not belong to.
    assisting = _assisting and roles.is_agent(created_by)
    belongs = applicant is None or applicant.memberships.filter(user=created_by).exists()
    if not (belongs or assisting):
        raise PermissionDenied
    round_ = round_for_district(district=district, today=today or timezone.localdate())
    if round_ is None:
        raise ValidationError({"district": _("No open round covers this district right now.")})
    idea = Idea(
        round=round_,
        applicant=applicant or actor_resident_for_user(user=created_by),
        created_by=created_by,
        title=title,
        need=need,
        plan=plan,
        age_groups=list(age_groups),
        district=district,
        starts_on=starts_on,
        ends_on=ends_on,
        amount=amount if needs_grant else Decimal("0"),
        needs_grant=needs_grant,
        help_needed=help_needed,
        partners_text=partners_text,
        status=Status.DRAFT,
        origin=origin,
    )
    idea.full_clean(exclude=["round", "applicant", "created_by", "submission_key", "origin"])
    if submission_key:
        idea.submission_key = submission_key
        existing = Idea.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            raise DuplicateSubmission(existing)
    try:
        with transaction.atomic():
            idea.save()
    except IntegrityError:
        existing = Idea.objects.filter(submission_key=submission_key).first()
        if submission_key and existing is not None:
            raise DuplicateSubmission(existing) from None
        raise
    if partners:
        idea.partners.set(partners)
    StatusChange.objects.create(
        idea=idea, by=created_by, action=Action.CREATE, from_status="", to_status=Status.DRAFT
    )
    idea_index_terms(idea=idea)
    return idea


@transaction.atomic
def idea_update(
    *,
    idea: Idea,
    by: User,
    applicant: Actor | None = None,
    partners: list[Actor] | None = None,
    **fields,
) -> Idea:
    """Change what the applicant wrote; possible until the decision."""
    if not idea_is_owned_by(idea=idea, user=by):
        raise PermissionDenied
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    if locked.status not in EDITABLE_STATUSES:
        raise WorkflowError(_("This idea can no longer be edited."))
    district_before = locked.district_id
    for name, value in fields.items():
        if name not in Idea.EDITABLE_FIELDS:
            raise ValueError(f"{name} is not editable")
        setattr(locked, name, value)
    if not locked.needs_grant:
        locked.amount = Decimal("0")
    if applicant is not None:
        if not applicant.memberships.filter(user=by).exists():
            raise PermissionDenied
        locked.applicant = applicant
    locked.full_clean(exclude=["round", "applicant", "created_by"])
    # An edited draft is in use again: the retention rule's notice no longer applies.
    locked.retention_notice_at = None
    locked.save()
    if locked.district_id != district_before and locked.status != Status.DRAFT:
        # The district it left counts it no more (the save noted the one it moved to).
        change_notes.note_ideas([(locked.pk, district_before)], readers=[IdeaChange.Reader.FIGURES])
    if partners is not None:
        locked.partners.set(partners)
    idea_index_terms(idea=locked)
    return locked


@transaction.atomic
def idea_submit(*, idea: Idea, by: User, hold_reason: str = "") -> Idea:
    """Send the idea to the resident agent; a suspect one waits for moderation, unannounced."""
    idea = _change_status(idea=idea, action=Action.SUBMIT, by=by, role=Role.APPLICANT)
    now = timezone.now()
    target = timedelta(days=idea.round.decision_target_days)
    idea.submitted_at = now
    idea.decision_due_at = now + target
    idea.decision_half_at = now + target / 2
    idea.held_reason = hold_reason[:300]
    _save(idea, "submitted_at", "decision_due_at", "decision_half_at", "held_reason")
    if not hold_reason:
        _announce_submission(idea)
    return idea


CLAIM_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@transaction.atomic
def idea_create_assisted(
    *, agent: User, person_name: str, person_phone: str = "", **fields
) -> Idea:
    """An agent enters and submits the idea of someone who phoned or came by. The person gets
    a code with which they can later claim the idea with their own email."""
    import secrets

    if not roles.is_agent(agent):
        raise PermissionDenied
    district = fields.get("district")
    if district is not None and not roles.in_scope(agent, district.pk):
        raise ValidationError(
            {"district": _("Your work is limited to other districts: choose one of yours.")}
        )
    if not person_name.strip():
        raise ValidationError({"person_name": _("Write the name of the person.")})
    person = Actor.objects.create(
        kind=Actor.Kind.RESIDENT, name=person_name.strip(), phone=person_phone.strip()
    )
    idea = idea_create(created_by=agent, applicant=person, _assisting=True, **fields)
    idea.assisted = True
    idea.claim_code = "".join(secrets.choice(CLAIM_CODE_ALPHABET) for _ in range(8))
    idea.save(update_fields=["assisted", "claim_code", "updated_at"])
    return idea_submit(idea=idea, by=agent)


@transaction.atomic
def idea_claim(*, code: str, user: User) -> Idea:
    """The person an agent helped takes over their idea; the code works once."""
    code = code.strip().upper().replace(" ", "").replace("-", "")
    idea = (
        Idea.objects.select_for_update().filter(assisted=True, claim_code=code).first()
        if code
        else None
    )
    if idea is None:
        raise ValidationError({"code": _("No idea waits for this code. Check it and try again.")})
    Membership.objects.get_or_create(actor=idea.applicant, user=user)
    idea.claim_code = ""
    idea.save(update_fields=["claim_code", "updated_at"])
    Message.objects.create(
        idea=idea,
        author=user,
        body=_("Claimed by %(email)s.") % {"email": user.email},
        internal=True,
    )
    return idea


@transaction.atomic
def idea_withdraw(*, idea: Idea, by: User, reason: str = "") -> Idea:
    idea = _change_status(
        idea=idea, action=Action.WITHDRAW, by=by, role=Role.APPLICANT, reason=reason
    )
    _save(idea)
    return idea


@transaction.atomic
def message_post(
    *, idea: Idea, by: User, body: str, internal: bool = False, key: str | None = None
) -> Message:
    """A message in the idea's thread, or an internal note that only the agents see. With the
    form's `key`, the same message sent again (at once, or twice) is kept, and told, once."""
    key = (key or "").strip()[:64] or None
    if key is not None:
        sent = Message.objects.filter(sending_key=key, idea=idea, author=by).first()
        if sent is not None:
            return sent
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    is_agent = roles.is_agent(by) and roles.in_scope(by, idea.district_id)
    if internal and not is_agent:
        raise PermissionDenied
    if not (is_agent or idea_is_owned_by(idea=idea, user=by)):
        raise PermissionDenied
    fields = {"idea": idea, "author": by, "body": body, "internal": internal}
    try:
        with transaction.atomic():
            message = Message.objects.create(**fields, from_agent=is_agent, sending_key=key)
    except IntegrityError:  # the same sending, a moment earlier, from another request
        sent = Message.objects.filter(sending_key=key, idea=idea, author=by).first()
        if sent is not None:
            return sent
        # Another person's key (copied, forged): the message is new, without one.
        message = Message.objects.create(**fields, from_agent=is_agent)
    if not internal and is_agent:
        _tell_maker(idea, "message_to_maker", message_id=message.pk)
    elif not internal:
        for agent in agents_of(idea=idea):
            notify(
                recipient=agent,
                kind="message_to_agent",
                idea=idea,
                context={"message_id": message.pk},
            )
    return message


def _require_editable(*, idea: Idea, by: User) -> Idea:
    if not idea_is_owned_by(idea=idea, user=by):
        raise PermissionDenied
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    if locked.status not in EDITABLE_STATUSES:
        raise WorkflowError(_("This idea can no longer be edited."))
    return locked


@transaction.atomic
def budget_line_add(*, idea: Idea, by: User, description: str, amount: Decimal) -> BudgetLine:
    idea = _require_editable(idea=idea, by=by)
    line = BudgetLine(idea=idea, description=description.strip(), amount=amount)
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def budget_line_remove(*, line: BudgetLine, by: User) -> None:
    _require_editable(idea=line.idea, by=by)
    line.delete()


ATTACHABLE_STATUSES = EDITABLE_STATUSES | {Status.APPROVED, Status.RUNNING, Status.REPORT_DUE}


@transaction.atomic
def attachment_add(*, idea: Idea, by: User, uploaded) -> Attachment:
    """An image or PDF for the idea, checked by its content; photos of a running pilot too."""
    if not idea_is_owned_by(idea=idea, user=by):
        raise PermissionDenied
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    if locked.status not in ATTACHABLE_STATUSES:
        raise WorkflowError(_("Files can no longer be added to this idea."))
    if locked.attachments.count() >= MAX_ATTACHMENTS_PER_IDEA:
        raise ValidationError(
            {"file": _("An idea can have at most %(n)s files.") % {"n": MAX_ATTACHMENTS_PER_IDEA}}
        )
    try:
        content_type = sniff_content_type(uploaded)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    name = (uploaded.name or "file")[-200:]
    kept = without_metadata(uploaded, content_type)
    attachment = Attachment(
        idea=locked,
        original_name=name,
        content_type=content_type,
        size=kept.size,
        uploaded_by=by,
    )
    attachment.file.save("upload", kept, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by: User) -> None:
    if not idea_is_owned_by(idea=attachment.idea, user=by):
        raise PermissionDenied
    attachment.file.delete(save=False)
    attachment.delete()


def drafts_delete(*, ideas) -> int:
    """Delete these ideas if they are drafts, with their files. The files go after commit, so a
    deletion that is rolled back keeps them. Call inside a transaction."""
    ids = list(ideas.filter(status=Status.DRAFT).values_list("pk", flat=True))
    if not ids:
        return 0
    files = [
        name
        for name in Attachment.objects.filter(idea_id__in=ids).values_list("file", flat=True)
        if name
    ]
    storage = Attachment._meta.get_field("file").storage
    Idea.objects.filter(pk__in=ids).delete()
    if files:
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return len(ids)
