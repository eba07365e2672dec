"""After the grant: the pilot starts and ends by the calendar, the makers' closing report, the
agent's answer to it, closing, and lessons tagged with themes."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors import roles
from actors.models import User
from audit.models import AuditEvent
from audit.services import record as audit_record

from .. import changes as change_notes
from ..models import (
    ClosingReport,
    Idea,
    Lesson,
    Message,
    StatusChange,
    Theme,
)
from ..selectors import agents_of
from ..workflow import (
    Action,
    Role,
    transition_for,
)
from .base import (
    _change_status,
    _save,
    _tell_maker,
)
from .ideas import (
    attachment_add,
)
from .notifications import notify, notify_many
from .search import (
    idea_index_terms,
)


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
    audit_record(by, AuditEvent.Action.PILOT_CLOSED, idea, district=idea.district.slug)
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
    with it joins the idea's files, in the same transaction, and is the report's photo (shown
    in the public showcase where the makers allow it: `photo_public`)."""
    attachment = attachment_add(idea=idea, by=by, uploaded=photo) if photo else None
    lessons = [text.strip() for text in lessons if text and text.strip()]
    if not 1 <= len(lessons) <= 5:
        raise ValidationError({"lessons": _("Write one to five lessons.")})
    idea = _change_status(idea=idea, action=Action.REPORT, by=by, role=Role.APPLICANT)
    _save(idea)
    # A report returned with a question is sent again: the same report, rewritten.
    report = ClosingReport.objects.filter(idea=idea).first() or ClosingReport(idea=idea)
    for name, value in fields.items():
        setattr(report, name, value)
    if attachment is not None and attachment.content_type.startswith("image/"):
        report.photo = attachment
    if report.photo_id is None:
        report.photo_public = False
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
def lesson_tag(
    *, lesson: Lesson, by: User, theme: Theme | None = None, new_theme: str = ""
) -> Theme:
    """An agent or manager puts a lesson under a theme, an existing one or a new one by name."""
    if not roles.may_tag_lesson(by, lesson.report.district_id):
        raise PermissionDenied
    if theme is None:
        name = new_theme.strip()[:100]
        if not name:
            raise ValidationError({"new_theme": _("Choose a theme or name a new one.")})
        theme, _created = Theme.objects.get_or_create(name=name)
    lesson.themes.add(theme)
    audit_record(by, AuditEvent.Action.LESSON_TAGGED, lesson, theme=theme.pk)
    return theme


def advance_pilots_by_date(*, today: date) -> dict[str, int]:
    """Status changes that follow from the calendar: approved pilots start on their start date,
    running pilots owe their closing report on their end date. Touches only due rows, a batch
    at a time with the same few queries for each batch (`SWEEP_BATCH`)."""
    from ..selectors import pilots_due_to_end, pilots_due_to_start

    started = _advance_in_batches(pilots_due_to_start(today=today), Action.START)
    ended = _advance_in_batches(pilots_due_to_end(today=today), Action.REQUEST_REPORT)
    return {"started": started, "report_due": ended}


SWEEP_BATCH = 500


def _advance_in_batches(due, action: Action) -> int:
    """Move the due ideas by the workflow table's row for `action` (as the system), a batch at a
    time: the batch locked, its status changes written, the ideas updated and, when the pilot has
    ended, the makers asked for their report; six queries a batch."""
    done, after = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                due.filter(pk__gt=after)
                .select_for_update(of=("self",))
                .select_related("created_by")
                .order_by("pk")[:SWEEP_BATCH]
            )
            if not batch:
                return done
            now = timezone.now()
            changes, by_target = [], {}
            for idea in batch:
                row = transition_for(action=action, status=idea.status, role=Role.SYSTEM)
                changes.append(
                    StatusChange(
                        idea=idea,
                        by=None,
                        action=action,
                        from_status=idea.status,
                        to_status=row.target,
                    )
                )
                by_target.setdefault(row.target, []).append(idea.pk)
                idea.status = row.target
            StatusChange.objects.bulk_create(changes)
            for target, ids in by_target.items():
                Idea.objects.filter(pk__in=ids).update(status=target, updated_at=now)
            change_notes.note_ideas((idea.pk, idea.district_id) for idea in batch)
            change_notes.owners_changed((idea.created_by_id, idea.applicant_id) for idea in batch)
            if action == Action.REQUEST_REPORT:
                notify_many(
                    [
                        {
                            "recipient": idea.created_by,
                            "kind": "report_request",
                            "idea": idea,
                            "dedup_key": f"report_request:{idea.pk}:",
                        }
                        for idea in batch
                    ]
                )
            done += len(batch)
            after = batch[-1].pk
