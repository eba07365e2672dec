"""What grants holds about a person, for their download and their erasure (registered with
`actors.personal_data` when the app starts). A person's drafts are deleted with their files;
what they sent stays for the statistics and the audit trail (a grant is a public money record),
with their name, email and phone removed from its texts."""

from django.db import transaction
from django.utils.translation import gettext as _

from actors.models import Actor, User
from actors.personal_data import ERASED, EXPORTED, STATISTICS
from actors.services import ErasureRefused, texts_scrub

from .models import (
    Attachment,
    BudgetLine,
    CityDecision,
    ClosingReport,
    Grant,
    Idea,
    IdeaEmbedding,
    Lesson,
    LessonEmbedding,
    Message,
    Notification,
    Payee,
    StatusChange,
)
from .services import drafts_delete
from .workflow import Status

HOLDS = {
    "grants.Idea": {EXPORTED, ERASED},
    "grants.StatusChange": {EXPORTED, ERASED},
    "grants.Grant": {EXPORTED},
    "grants.Payee": {EXPORTED, ERASED},
    # The record of public money paid (who paid is staff, whose erasure is refused).
    "grants.PaymentBatch": {STATISTICS},
    "grants.BudgetLine": {EXPORTED, ERASED},
    "grants.Attachment": {EXPORTED, ERASED},
    "grants.ClosingReport": {EXPORTED, ERASED},
    "grants.Lesson": {EXPORTED, ERASED},
    "grants.CityDecision": {EXPORTED, ERASED},
    "grants.Message": {EXPORTED, ERASED},
    "grants.Notification": {EXPORTED, ERASED},
    # Made from the person's texts: made again from the scrubbed ones.
    "grants.IdeaTerm": {ERASED},
    "grants.TermStat": {ERASED, STATISTICS},
    "grants.CountedTerms": {ERASED},
    # Notes of which idea changed (numbers only), read and removed by the next refresh.
    "grants.IdeaChange": {STATISTICS},
    "grants.IdeaEmbedding": {ERASED},
    "grants.LessonEmbedding": {ERASED},
    # The agents' link between two ideas, and the programme's own content.
    "grants.Introduction": {STATISTICS},
    "grants.Round": {STATISTICS},
    "grants.Theme": {STATISTICS},
    "grants.ThemeProposal": {STATISTICS},
    "grants.ReasonTemplate": {STATISTICS},
}


def export(*, user: User) -> dict:
    """Everything of the person's own ideas: the texts, the history, the grant, the budget, the
    files (described, not their content), the closing report with its lessons, the city's
    decision; their messages and the notifications sent to them."""
    ideas = list(
        Idea.objects.filter(created_by=user)
        .select_related("district", "round", "grant", "closing_report", "city_decision")
        .order_by("pk")
    )
    own = [idea.pk for idea in ideas]
    return {
        "ideas": [_idea(idea) for idea in ideas],
        "history": [
            {
                "idea": change.idea_id,
                "action": change.action,
                "from": change.from_status,
                "to": change.to_status,
                "reason": change.reason,
                "at": change.created_at.isoformat(),
            }
            for change in StatusChange.objects.filter(idea_id__in=own).order_by("created_at")
        ],
        "budget_lines": [
            {"idea": line.idea_id, "what": line.description, "amount": str(line.amount)}
            for line in BudgetLine.objects.filter(idea_id__in=own).order_by("pk")
        ],
        "attachments": [
            {
                "idea": file.idea_id,
                "name": file.original_name,
                "type": file.content_type,
                "size": file.size,
                "added": file.created_at.isoformat(),
            }
            for file in Attachment.objects.filter(idea_id__in=own).order_by("pk")
        ],
        "lessons": [
            {
                "idea": lesson.report.idea_id,
                "text": lesson.text,
                "themes": [theme.name for theme in lesson.themes.all()],
            }
            for lesson in Lesson.objects.filter(report__idea_id__in=own)
            .select_related("report")
            .prefetch_related("themes")
            .order_by("report_id", "position")
        ],
        # Where the grants of the person and of their organisations are paid.
        "payees": [
            {
                "for": payee.actor.name,
                "payee": payee.name,
                "business_id": payee.business_id,
                "iban": payee.iban,
                "bic": payee.bic,
                "updated": payee.updated_at.isoformat(),
            }
            for payee in Payee.objects.filter(actor__memberships__user=user).select_related("actor")
        ],
        "messages": [
            {"idea": message.idea_id, "body": message.body, "sent": message.created_at.isoformat()}
            for message in Message.objects.filter(author=user, internal=False)
        ],
        "notifications": [
            {
                "kind": n.kind,
                "idea": n.idea_id,
                "state": n.state,
                "created": n.created_at.isoformat(),
            }
            for n in Notification.objects.filter(recipient=user)
        ],
    }


def _idea(idea: Idea) -> dict:
    grant = getattr(idea, "grant", None)
    report = getattr(idea, "closing_report", None)
    decision = getattr(idea, "city_decision", None)
    return {
        "id": idea.pk,
        "title": idea.title,
        "need": idea.need,
        "plan": idea.plan,
        "partners": idea.partners_text,
        "district": idea.district.name,
        "round": idea.round.name,
        "status": idea.status,
        "amount": str(idea.amount),
        "starts_on": idea.starts_on.isoformat() if idea.starts_on else None,
        "ends_on": idea.ends_on.isoformat() if idea.ends_on else None,
        "created": idea.created_at.isoformat(),
        "deletion_notice_sent": (
            idea.retention_notice_at.isoformat() if idea.retention_notice_at else None
        ),
        "grant": {
            "amount": str(grant.amount),
            "decided": grant.decided_at.isoformat(),
            "payment": grant.payment_state,
            "paid_on": grant.paid_on.isoformat() if grant.paid_on else None,
        }
        if grant
        else None,
        "closing_report": {
            "sent": report.submitted_at.isoformat(),
            "what_happened": report.what_happened,
            "what_worked": report.what_worked,
            "what_did_not_work": report.what_did_not_work,
            "participants": {
                "children": report.participants_children,
                "youth": report.participants_youth,
                "adults": report.participants_adults,
                "elderly": report.participants_elderly,
            },
            "actual_cost": str(report.actual_cost),
            "ratings": {
                "novelty": report.novelty,
                "change": report.change,
                "usefulness": report.usefulness,
            },
            "continuation": report.continuation,
            "continuation_form": report.continuation_form,
            "photo_description": report.photo_description,
            "publish": report.publish,
        }
        if report
        else None,
        "city_decision": {
            "outcome": decision.outcome,
            "reason": decision.reason,
            "decided": decision.decided_at.isoformat(),
        }
        if decision
        else None,
    }


def _unpaid_grants(user: User):
    return Grant.objects.filter(idea__created_by=user, payment_state=Grant.Payment.TO_PAY)


def erase(*, user: User, needles: list[str]) -> dict:
    # A grant still to be paid needs its maker: the city must be able to pay it and to reach
    # them about it (GDPR art. 17(3)(b): kept while a legal obligation needs it).
    if _unpaid_grants(user).exists():
        raise ErasureRefused(
            _(
                "A grant of yours is still to be paid. You can erase your account once it has "
                "been paid; ask the resident agent if you want to give it up."
            )
        )
    drafts = drafts_delete(ideas=Idea.objects.filter(created_by=user, status=Status.DRAFT))
    # The person's own bank details go (no unpaid grant needs them, see above); an
    # organisation's stay with the organisation.
    Payee.objects.filter(actor__kind=Actor.Kind.RESIDENT, actor__memberships__user=user).exclude(
        actor__memberships__user__in=User.objects.exclude(pk=user.pk)
    ).delete()
    kept = Idea.objects.filter(created_by=user).count()
    Notification.objects.filter(recipient=user).delete()
    texts_scrub(
        needles=needles,
        targets=[
            (Message, ["body"]),
            (
                Idea,
                [
                    "title",
                    "need",
                    "plan",
                    "partners_text",
                    "info_request",
                    "info_answer",
                    "decision_reason",
                ],
            ),
            (StatusChange, ["reason"]),
            (
                ClosingReport,
                [
                    "what_happened",
                    "what_worked",
                    "what_did_not_work",
                    "continuation_form",
                    "photo_description",
                ],
            ),
            (Lesson, ["text"]),
            (BudgetLine, ["description"]),
            (Attachment, ["original_name"]),
            (CityDecision, ["reason", "unit", "funding_line"]),
        ],
    )
    _terms_scrub(user=user, needles=needles)
    _meaning_again(user=user)
    return {"drafts_deleted": drafts, "ideas_kept": kept}


def _terms_scrub(*, user: User, needles: list[str]) -> None:
    """The search terms of the person's ideas, made again from the scrubbed texts, and without
    any term of their name or address: an inflected first name in a title ("Ainon kahvila")
    stems to the name itself."""
    from common import broker, locks

    from . import tasks
    from .models import CountedTerms, IdeaTerm, TermStat
    from .services.search import TERM_STATS_LOCK, idea_index_terms
    from .similarity import terms_of

    own = Idea.objects.filter(created_by=user)
    for idea in own:
        idea_index_terms(idea=idea)
    personal = terms_of(" ".join(needles).replace("@", " ").replace(".", " "))
    if personal:
        IdeaTerm.objects.filter(idea__in=own, term__in=personal).delete()
        locks.hold(TERM_STATS_LOCK)  # no refresh rewrites the counted terms meanwhile
        counted = CountedTerms.objects.filter(idea_id__in=own.values("pk"))
        for idea_id, terms in counted.values_list("idea_id", "terms"):
            kept = [term for term in terms if term not in personal]
            CountedTerms.objects.filter(idea_id=idea_id).update(terms=kept)
        # The counts of the words over all pilots come back at the next full refresh,
        # without the person's: a name is no word of the programme's vocabulary.
        TermStat.objects.filter(term__in=personal).delete()
        transaction.on_commit(lambda: broker.hand_over(tasks.refresh_term_stats, True))


def _meaning_again(*, user: User) -> None:
    """The vectors of the person's ideas and lessons were made from the texts before the
    scrub: they go now, and are made again from the scrubbed texts (the re-indexing above
    asks for it after the commit; the embeddings sweep makes them if that task is lost)."""
    own = Idea.objects.filter(created_by=user).values("pk")
    IdeaEmbedding.objects.filter(idea_id__in=own).delete()
    LessonEmbedding.objects.filter(lesson__report__idea_id__in=own).delete()


def summary(*, user: User) -> dict:
    ideas = Idea.objects.filter(created_by=user)
    return {
        "drafts": ideas.filter(status=Status.DRAFT).count(),
        "kept": ideas.exclude(status=Status.DRAFT).count(),
        "unpaid_grants": _unpaid_grants(user).count(),
    }
