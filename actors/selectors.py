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


def actor_by_id(*, actor_id: int) -> Actor | None:
    return Actor.objects.filter(pk=actor_id).first()


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
    """Everything Minipilot holds about a person, for their own download (GDPR, article 15):
    the account here, then what every app registered with `actors.personal_data` holds."""
    from allauth.account.models import EmailAddress

    from audit.models import AuditEvent

    from . import personal_data as registry

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
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        # That an authenticator app is set up, and since when; never its secret.
        "authenticators": [
            {"type": authenticator.type, "created": authenticator.created_at.isoformat()}
            for authenticator in _authenticators_of(user)
        ],
        **registry.export_sections(user=user),
        # What the audit log records of the person's own actions (downloads of this file).
        "audit_events": [
            {"action": event.action, "at": event.at.isoformat()}
            for event in AuditEvent.objects.filter(actor=user).order_by("at")
        ],
    }


def _authenticators_of(user: User):
    from django.apps import apps

    if not apps.is_installed("allauth.mfa"):
        return []
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).order_by("pk")


def erasure_summary(*, user: User) -> dict:
    """What erasing the person would delete and what it would keep, for the confirmation page."""
    from . import personal_data as registry

    return registry.erasure_summary(user=user)


def staff_members():
    """Everyone with a staff role, with their roles and an agent's districts."""
    from django.contrib.auth.models import Group
    from django.db.models import Prefetch

    from . import roles

    # The role holders' ids first (a few rows of the role table), not a join over every person.
    holders = User.groups.through.objects.filter(group__name__in=roles.STAFF_ROLES.values())
    return (
        User.objects.filter(pk__in=list(holders.values_list("user_id", flat=True)))
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.order_by("name")), "agent_districts"
        )
        .order_by("email")
    )
