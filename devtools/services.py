"""The demo's set-up, written in one place: what a city's administrator and its staff would
have set up (districts, a round, staff roles, organisations, ready-made reasons), made again
safely. The pilots themselves go through the product's own services, as residents' would."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as mfa_adapter
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from actors.models import Actor, District, Membership, User
from grants.models import Idea, ReasonTemplate, Round


def district_ensure(*, slug: str, name: str) -> District:
    district, _ = District.objects.get_or_create(slug=slug, defaults={"name": name})
    return district


@transaction.atomic
def round_ensure(*, slug: str, districts: list[District], **fields) -> Round:
    round_, created = Round.objects.get_or_create(slug=slug, defaults=fields)
    if created:
        round_.districts.set(districts)
    return round_


def user_ensure(email: str, name: str, *, password: str, language: str = "fi") -> User:
    """A demo login with a verified email address."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=password, full_name=name, language=language
        )
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def totp_ensure(*, user: User, secret: str) -> None:
    """An authenticator app with a known secret, as allauth keeps one (the secret encrypted by
    allauth's MFA adapter), for demo and benchmark accounts only."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": mfa_adapter().encrypt(secret)},
        )


def role_grant(*, user: User, group: str, totp_secret: str) -> None:
    """A staff role, with the authenticator app the role needs (its documented demo secret)."""
    user.groups.add(Group.objects.get(name=group))
    totp_ensure(user=user, secret=totp_secret)


def organisation_ensure(name: str, kind: str, district: District, *, members) -> Actor:
    actor, _ = Actor.objects.get_or_create(name=name, kind=kind, defaults={"district": district})
    for member in members:
        Membership.objects.get_or_create(actor=actor, user=member)
    return actor


def reason_template_ensure(*, title: str, **texts) -> ReasonTemplate:
    # By the Finnish title: the one every language falls back to.
    template, _ = ReasonTemplate.objects.get_or_create(title_fi=title, defaults=texts)
    return template


def submission_backdate(*, idea: Idea, days: float) -> None:
    """Demo only: an idea sent some days ago, to show waiting times in the queue."""
    submitted = timezone.now() - timedelta(days=days)
    target = timedelta(days=idea.round.decision_target_days)
    Idea.objects.filter(pk=idea.pk).update(
        submitted_at=submitted,
        decision_due_at=submitted + target,
        decision_half_at=submitted + target / 2,
    )
