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


@transaction.atomic
def user_get_or_create_for_email(*, email: str, language: str) -> User:
    """The person with this email, or a new account without a password: they log in by code."""
    from allauth.account.models import EmailAddress

    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, language=language)
    EmailAddress.objects.get_or_create(
        user=user, email__iexact=email, defaults={"email": email, "primary": True}
    )
    return user


def user_update_profile(*, user: User, full_name: str, phone: str, language: str) -> User:
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "phone", "language"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user
