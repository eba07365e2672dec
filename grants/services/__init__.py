"""Every write of the grants app. Each verb runs in one transaction, checks the workflow table,
writes its audit row and enqueues its side effects after commit."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from actors import roles
from actors.models import Actor, District, Membership, User
from actors.services import actor_resident_for_user
from audit.models import AuditEvent
from audit.services import record as audit_record

from ..models import (
    Attachment,
    BudgetLine,
    ClosingReport,
    Grant,
    Idea,
    IdeaTerm,
    Introduction,
    Lesson,
    Message,
    Round,
    StatusChange,
    TermStat,
    Theme,
)
from ..selectors import agents_of, idea_is_owned_by, round_for_district
from ..similarity import terms_of
from ..uploads import MAX_ATTACHMENTS_PER_IDEA, sniff_content_type
from ..workflow import (
    EDITABLE_STATUSES,
    PAST_STATUSES,
    Action,
    Role,
    Status,
    WorkflowError,
    transition_for,
)
from .notifications import notify


class BudgetExceeded(WorkflowError):
    pass


class DuplicateSubmission(Exception):
    """The same filling of the form was sent twice (a double click); the idea exists."""

    def __init__(self, idea: Idea):
        super().__init__(idea.pk)
        self.idea = idea


def _require_role(*, user: User | None, idea: Idea, role: Role) -> None:
    if role is Role.SYSTEM:
        return
    if role is Role.AGENT and not (roles.is_agent(user) and roles.in_scope(user, idea.district_id)):
        raise PermissionDenied
    if role is Role.APPLICANT and not idea_is_owned_by(idea=idea, user=user):
        raise PermissionDenied


def _change_status(
    *, idea: Idea, action: Action, by: User | None, role: Role, reason: str = ""
) -> Idea:
    """Lock the idea, check the table, change the status and write the audit row."""
    _require_role(user=by, idea=idea, role=role)
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    row = transition_for(action=action, status=locked.status, role=role)
    StatusChange.objects.create(
        idea=locked,
        by=by,
        action=action,
        from_status=locked.status,
        to_status=row.target,
        reason=reason,
    )
    locked.status = row.target
    return locked


def _save(idea: Idea, *fields: str) -> None:
    idea.save(update_fields=[*fields, "status", "updated_at"])


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
    today: date | None = None,
    submission_key: str | None = None,
    _assisting: bool = False,
) -> Idea:
    """A new idea as a draft, in the open round that covers its district."""
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
        amount=amount,
        partners_text=partners_text,
        status=Status.DRAFT,
    )
    idea.full_clean(exclude=["round", "applicant", "created_by", "submission_key"])
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
    for name, value in fields.items():
        if name not in Idea.EDITABLE_FIELDS:
            raise ValueError(f"{name} is not editable")
        setattr(locked, name, value)
    if applicant is not None:
        if not applicant.memberships.filter(user=by).exists():
            raise PermissionDenied
        locked.applicant = applicant
    locked.full_clean(exclude=["round", "applicant", "created_by"])
    # An edited draft is in use again: the retention rule's notice no longer applies.
    locked.retention_notice_at = None
    locked.save()
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


def _announce_submission(idea: Idea) -> None:
    for agent in agents_of(idea=idea):
        notify(recipient=agent, kind="idea_submitted", idea=idea)
    notify(recipient=idea.created_by, kind="idea_received", idea=idea)


def _tell_maker(idea: Idea, kind: str, **context) -> None:
    notify(recipient=idea.created_by, kind=kind, idea=idea, context=context)


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
def idea_release(*, idea: Idea, by: User) -> Idea:
    """A held submission is not spam after all: it joins the queue and everyone is told."""
    if not (roles.is_agent(by) and roles.in_scope(by, idea.district_id)):
        raise PermissionDenied
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    if not locked.held_reason:
        raise WorkflowError(_("This idea is not waiting for moderation."))
    Message.objects.create(
        idea=locked,
        author=by,
        body=_("Released from moderation (held because %(reason)s).")
        % {"reason": locked.held_reason},
        internal=True,
        from_agent=True,
    )
    locked.held_reason = ""
    locked.save(update_fields=["held_reason", "updated_at"])
    _announce_submission(locked)
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
    round_ = idea.round
    fast_track = amount is None
    amount = idea.fast_track_amount if fast_track else Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The grant must be more than zero.")})
    if amount > round_.max_grant:
        raise ValidationError(
            {"amount": _("The grant can be at most %(max)s €.") % {"max": round_.max_grant}}
        )
    try:
        with transaction.atomic():
            Round.objects.filter(pk=round_.pk).update(granted_total=F("granted_total") + amount)
    except IntegrityError as error:
        round_.refresh_from_db(fields=["budget", "granted_total"])
        raise BudgetExceeded(
            _("The round has only %(remaining)s € left; %(amount)s € cannot be granted.")
            % {"remaining": round_.remaining, "amount": amount}
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


@transaction.atomic
def ideas_approve_bulk(*, ideas: list[Idea], by: User) -> list[Idea]:
    """Approve several ideas with their one-click grant: all of them, or none if the budget
    cannot cover them all or one of them cannot be approved."""
    return [
        _approve(idea=idea, by=by, amount=None, bulk=True)
        for idea in sorted(ideas, key=lambda idea: idea.pk)
    ]


@transaction.atomic
def grant_mark_paid(*, grant: Grant, by: User, paid_on: date, reference: str = "") -> Grant:
    """Record the payment of a grant: when, with which reference, and who marked it."""
    if not (roles.is_agent(by) and roles.in_scope(by, grant.idea.district_id)):
        raise PermissionDenied
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    if locked.payment_state == Grant.Payment.PAID:
        raise WorkflowError(_("This grant is already marked as paid."))
    locked.payment_state = Grant.Payment.PAID
    locked.paid_on = paid_on
    locked.payment_reference = reference.strip()[:100]
    locked.paid_by = by
    locked.paid_marked_at = timezone.now()
    locked.save()
    Round.objects.filter(pk=locked.round_id).update(paid_total=F("paid_total") + locked.amount)
    audit_record(
        by,
        AuditEvent.Action.GRANT_PAID,
        locked,
        amount=locked.amount,
        paid_on=paid_on,
        idea=locked.idea_id,
    )
    _tell_maker(locked.idea, "grant_paid", grant_id=locked.pk)
    return locked


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
def idea_withdraw(*, idea: Idea, by: User, reason: str = "") -> Idea:
    idea = _change_status(
        idea=idea, action=Action.WITHDRAW, by=by, role=Role.APPLICANT, reason=reason
    )
    _save(idea)
    return idea


@transaction.atomic
def idea_start(*, idea: Idea, by: User | None = None) -> Idea:
    role = Role.SYSTEM if by is None else (Role.AGENT if roles.is_agent(by) else Role.APPLICANT)
    idea = _change_status(idea=idea, action=Action.START, by=by, role=role)
    _save(idea)
    return idea


@transaction.atomic
def idea_request_report(*, idea: Idea, by: User | None = None) -> Idea:
    """The pilot has ended: its makers are asked for the closing report."""
    role = Role.SYSTEM if by is None else Role.AGENT
    idea = _change_status(idea=idea, action=Action.REQUEST_REPORT, by=by, role=role)
    _save(idea)
    notify(
        recipient=idea.created_by,
        kind="report_request",
        idea=idea,
        dedup_key=f"report_request:{idea.pk}:",
    )
    return idea


@transaction.atomic
def closing_report_return(*, idea: Idea, by: User, question: str) -> Idea:
    """The agent sends the report back to its makers with a question; they resubmit it."""
    if not question.strip():
        raise ValidationError({"reason": _("Write the question for the applicant.")})
    idea = _change_status(
        idea=idea, action=Action.RETURN_REPORT, by=by, role=Role.AGENT, reason=question
    )
    _save(idea)
    Message.objects.create(idea=idea, author=by, body=question, from_agent=True)
    _tell_maker(idea, "report_returned")
    return idea


@transaction.atomic
def idea_close(*, idea: Idea, by: User, reason: str = "") -> Idea:
    """Accepting the closing report closes the pilot; its makers are thanked."""
    idea = _change_status(idea=idea, action=Action.CLOSE, by=by, role=Role.AGENT, reason=reason)
    _save(idea)
    _tell_maker(idea, "report_accepted")
    return idea


@transaction.atomic
def closing_report_submit(
    *,
    idea: Idea,
    by: User,
    lessons: list[str],
    photo=None,
    **fields,
) -> ClosingReport:
    """The maker's closing report; the lessons are one to five short statements. A photo sent
    with it joins the idea's files, in the same transaction."""
    if photo:
        attachment_add(idea=idea, by=by, uploaded=photo)
    lessons = [text.strip() for text in lessons if text and text.strip()]
    if not 1 <= len(lessons) <= 5:
        raise ValidationError({"lessons": _("Write one to five lessons.")})
    idea = _change_status(idea=idea, action=Action.REPORT, by=by, role=Role.APPLICANT)
    _save(idea)
    # A report returned with a question is sent again: the same report, rewritten.
    report = ClosingReport.objects.filter(idea=idea).first() or ClosingReport(idea=idea)
    for name, value in fields.items():
        setattr(report, name, value)
    report.submitted_by = by
    report.submitted_at = timezone.now()
    report.full_clean(exclude=["idea", "submitted_by"])
    report.save()
    report.lessons.all().delete()
    Lesson.objects.bulk_create(
        Lesson(report=report, text=text, position=position)
        for position, text in enumerate(lessons, start=1)
    )
    idea_index_terms(idea=idea)
    for agent in agents_of(idea=idea):
        notify(recipient=agent, kind="closing_report_received", idea=idea)
    return report


@transaction.atomic
def message_post(*, idea: Idea, by: User, body: str, internal: bool = False) -> Message:
    """A message in the idea's thread, or an internal note that only the agents see."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    is_agent = roles.is_agent(by) and roles.in_scope(by, idea.district_id)
    if internal and not is_agent:
        raise PermissionDenied
    if not (is_agent or idea_is_owned_by(idea=idea, user=by)):
        raise PermissionDenied
    message = Message.objects.create(
        idea=idea, author=by, body=body, internal=internal, from_agent=is_agent
    )
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
    attachment = Attachment(
        idea=locked,
        original_name=(uploaded.name or "file")[-200:],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=by,
    )
    attachment.file.save("upload", uploaded, save=False)
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


@transaction.atomic
def lesson_tag(
    *, lesson: Lesson, by: User, theme: Theme | None = None, new_theme: str = ""
) -> Theme:
    """An agent puts a lesson under a theme, an existing one or a new one by name."""
    if not roles.is_agent(by):
        raise PermissionDenied
    if theme is None:
        name = new_theme.strip()[:100]
        if not name:
            raise ValidationError({"new_theme": _("Choose a theme or name a new one.")})
        theme, _created = Theme.objects.get_or_create(name=name)
    lesson.themes.add(theme)
    return theme


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


def advance_pilots_by_date(*, today: date) -> dict[str, int]:
    """Status changes that follow from the calendar: approved pilots start on their start date,
    running pilots owe their closing report on their end date. Touches only due rows."""
    from ..selectors import pilots_due_to_end, pilots_due_to_start

    started = ended = 0
    for idea in pilots_due_to_start(today=today):
        idea_start(idea=idea)
        started += 1
    for idea in pilots_due_to_end(today=today):
        idea_request_report(idea=idea)
        ended += 1
    return {"started": started, "report_due": ended}


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
