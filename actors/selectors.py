from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import Actor, Invitation, User


def actors_of_user(*, user: User) -> QuerySet[Actor]:
    """The actors a person may act for: themselves as a resident and their organisations."""
    return Actor.objects.filter(memberships__user=user).order_by("kind", "name")


def organisations() -> QuerySet[Actor]:
    """Every actor but individual residents: the possible partners of a pilot."""
    return Actor.objects.exclude(kind=Actor.Kind.RESIDENT).select_related("district")


def organisation_detail(*, actor_id: int) -> Actor:
    return (
        Actor.objects.exclude(kind=Actor.Kind.RESIDENT)
        .select_related("district")
        .prefetch_related("memberships__user")
        .get(pk=actor_id)
    )


def is_member(*, actor: Actor, user: User) -> bool:
    return user.is_authenticated and actor.memberships.filter(user=user).exists()


def pending_invitation(*, token: str) -> Invitation | None:
    from .services import INVITATION_VALID_DAYS

    return (
        Invitation.objects.filter(
            token=token,
            accepted_at__isnull=True,
            created_at__gte=timezone.now() - timedelta(days=INVITATION_VALID_DAYS),
        )
        .select_related("actor", "invited_by")
        .first()
    )


def personal_data(*, user: User) -> dict:
    """Everything Minipilot holds about a person, for their own download (GDPR, article 15)."""
    from audit.models import AuditEvent
    from grants.models import Idea, Message, Notification

    ideas = Idea.objects.filter(created_by=user).select_related("district", "round")
    return {
        "account": {
            "email": user.email,
            "name": user.full_name,
            "phone": user.phone,
            "language": user.language,
            "optional_email": user.optional_email,
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "actors": [
            {"name": actor.name, "kind": actor.kind, "business_id": actor.business_id}
            for actor in actors_of_user(user=user)
        ],
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
        # What the audit log records of the person's own actions (downloads of this file).
        "audit_events": [
            {"action": event.action, "at": event.at.isoformat()}
            for event in AuditEvent.objects.filter(actor=user).order_by("at")
        ],
    }


def erasure_summary(*, user: User) -> dict:
    """What erasing the person would delete and what it would keep, for the confirmation page."""
    from grants.models import Idea
    from grants.workflow import Status

    ideas = Idea.objects.filter(created_by=user)
    return {
        "drafts": ideas.filter(status=Status.DRAFT).count(),
        "kept": ideas.exclude(status=Status.DRAFT).count(),
    }
