from django.db import transaction

from .models import Actor, Membership, User


@transaction.atomic
def actor_resident_for_user(*, user: User) -> Actor:
    """The person's own resident actor, created the first time they act as a resident."""
    actor = (
        Actor.objects.filter(kind=Actor.Kind.RESIDENT, memberships__user=user)
        .order_by("id")
        .first()
    )
    if actor is not None:
        return actor
    actor = Actor.objects.create(kind=Actor.Kind.RESIDENT, name=user.get_full_name())
    Membership.objects.create(actor=actor, user=user)
    return actor
