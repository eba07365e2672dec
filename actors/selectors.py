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
