"""What grants holds about a person, for their download and their erasure (registered with
`actors.personal_data` when the app starts). A person's drafts are deleted with their files;
what they sent stays for the statistics and the audit trail (a grant is a public money record),
with their name, email and phone removed from its texts."""

from django.utils.translation import gettext as _

from actors.models import User
from actors.services import ErasureRefused, texts_scrub

from .models import ClosingReport, Grant, Idea, Lesson, Message, Notification, StatusChange
from .services import drafts_delete
from .workflow import Status


def export(*, user: User) -> dict:
    ideas = Idea.objects.filter(created_by=user).select_related("district", "round")
    return {
        "ideas": [
            {
                "id": idea.pk,
                "title": idea.title,
                "need": idea.need,
                "plan": idea.plan,
                "district": idea.district.name,
                "round": idea.round.name,
                "status": idea.status,
                "amount": str(idea.amount),
                "created": idea.created_at.isoformat(),
                "deletion_notice_sent": (
                    idea.retention_notice_at.isoformat() if idea.retention_notice_at else None
                ),
            }
            for idea in ideas
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
                ["what_happened", "what_worked", "what_did_not_work", "continuation_form"],
            ),
            (Lesson, ["text"]),
        ],
    )
    _terms_scrub(user=user, needles=needles)
    return {"drafts_deleted": drafts, "ideas_kept": kept}


def _terms_scrub(*, user: User, needles: list[str]) -> None:
    """The search terms of the person's ideas, made again from the scrubbed texts, and without
    any term of their name or address: an inflected first name in a title ("Ainon kahvila")
    stems to the name itself."""
    from .models import IdeaTerm
    from .services.search import idea_index_terms
    from .similarity import terms_of

    own = Idea.objects.filter(created_by=user)
    for idea in own:
        idea_index_terms(idea=idea)
    personal = terms_of(" ".join(needles).replace("@", " ").replace(".", " "))
    if personal:
        IdeaTerm.objects.filter(idea__in=own, term__in=personal).delete()


def summary(*, user: User) -> dict:
    ideas = Idea.objects.filter(created_by=user)
    return {
        "drafts": ideas.filter(status=Status.DRAFT).count(),
        "kept": ideas.exclude(status=Status.DRAFT).count(),
        "unpaid_grants": _unpaid_grants(user).count(),
    }
