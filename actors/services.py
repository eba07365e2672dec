import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import broker

from .models import Actor, District, Invitation, Membership, User

INVITATION_VALID_DAYS = 14


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


def user_update_profile(
    *, user: User, full_name: str, phone: str, language: str, optional_email: bool = True
) -> User:
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.language = language
    user.optional_email = optional_email
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "phone", "language", "optional_email"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def organisation_create(
    *, created_by: User, kind: str, name: str, district: District | None, business_id: str = ""
) -> Actor:
    """A new organisation, with its creator as the first member."""
    if kind == Actor.Kind.RESIDENT:
        raise ValidationError({"kind": _("Choose the kind of organisation.")})
    actor = Actor(kind=kind, name=name.strip(), district=district, business_id=business_id)
    actor.full_clean()
    actor.save()
    Membership.objects.create(actor=actor, user=created_by)
    return actor


@transaction.atomic
def organisation_update(
    *, actor: Actor, by: User, name: str, district: District | None, business_id: str = ""
) -> Actor:
    if not actor.memberships.filter(user=by).exists():
        raise PermissionDenied
    actor.name, actor.district, actor.business_id = name.strip(), district, business_id
    actor.full_clean()
    actor.save()
    return actor


@transaction.atomic
def invitation_create(*, actor: Actor, by: User, email: str) -> Invitation:
    """Invite a person by email; the link in the email works for two weeks, once."""
    if not actor.memberships.filter(user=by).exists():
        raise PermissionDenied
    email = User.objects.normalize_email(email).lower()
    if actor.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    invitation = Invitation.objects.create(
        actor=actor, email=email, token=secrets.token_urlsafe(32), invited_by=by
    )
    transaction.on_commit(
        lambda: _send_later_or_now("send_invitation", invitation_id=invitation.pk)
    )
    return invitation


def _send_later_or_now(task_name: str, **arguments) -> None:
    """An invitation has no row a sweep could send later: with the broker down it is sent
    here and now (the mail server does not depend on the broker)."""
    from . import tasks

    if not broker.hand_over(getattr(tasks, task_name), *arguments.values()):
        send = {"send_invitation": invitation_send, "send_staff_invitation": staff_invitation_send}
        send[task_name](**arguments)


def invitation_send(*, invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("actor", "invited_by").get(pk=invitation_id)
    language = invitation.invited_by.language if invitation.invited_by else settings.LANGUAGE_CODE
    with translation.override(language):
        url = settings.SITE_URL + reverse("actors:invitation", args=[invitation.token])
        context = {"invitation": invitation, "url": url}
        subject = " ".join(render_to_string("emails/invitation_subject.txt", context).split())
        body = render_to_string("emails/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Actor:
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token=token, accepted_at__isnull=True)
        .select_related("actor")
        .first()
    )
    expired = invitation is None or invitation.created_at < timezone.now() - timedelta(
        days=INVITATION_VALID_DAYS
    )
    if expired:
        raise ValidationError(_("This invitation is no longer valid. Ask for a new one."))
    Membership.objects.get_or_create(actor=invitation.actor, user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return invitation.actor


ERASED_TEXT = Actor.ERASED_NAME


class ErasureRefused(PermissionDenied):
    """Agents, managers and staff keep their accounts: their decisions are the audit trail."""


def texts_scrub(*, needles: list[str], targets) -> int:
    """Replace each needle (the person's email, phone, name) in free texts kept for the record,
    reading only the rows that contain one."""
    import re

    from django.db.models import Q

    pattern = re.compile("|".join(re.escape(needle) for needle in needles), re.IGNORECASE)
    changed = 0
    for model, fields in targets:
        for field in fields:
            condition = Q()
            for needle in needles:
                condition |= Q(**{f"{field}__icontains": needle})
            for pk, value in model.objects.filter(condition).values_list("pk", field):
                model.objects.filter(pk=pk).update(**{field: pattern.sub(ERASED_TEXT, value)})
                changed += 1
    return changed


def _delete_sessions_of(user: User) -> int:
    """The person's sessions in the database (the login codes wait in them too)."""
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not hasattr(store, "get_model_class"):  # sessions not kept in the database
        return 0
    model = store.get_model_class()
    mine = [
        session.session_key
        for session in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(store().decode(session.session_data).get("_auth_user_id")) == str(user.pk)
    ]
    model.objects.filter(session_key__in=mine).delete()
    return len(mine)


@transaction.atomic
def user_erase(user: User, *, by: User | None = None) -> User:
    """Erase a person (GDPR, article 17). Their drafts go with their files. What they sent stays
    for the statistics and the audit trail, since a grant is a public money record, but their
    name, email and phone are removed from it and their account is anonymised: it can never log
    in again. Their messages stay as part of each case, authored by the anonymised account."""
    import uuid

    from django.apps import apps
    from django.contrib.admin.models import LogEntry

    from audit.models import AuditEvent
    from audit.services import record as audit_record

    from . import personal_data, roles

    by = by or user
    if by.pk != user.pk and not by.is_superuser:
        raise PermissionDenied
    if roles.is_privileged(user):
        raise ErasureRefused(_("Ask the administrator to close an account with a role."))
    user = User.objects.select_for_update().get(pk=user.pk)
    needles = [text for text in (user.email, user.phone.strip(), user.full_name.strip()) if text]
    # Each app erases what it holds (grants: drafts deleted, the texts of what was sent scrubbed).
    erased = personal_data.erase_everywhere(user=user, needles=needles)

    # Their own resident actor names them: it stays as the applicant of what they sent, unnamed.
    own_actors = Actor.objects.filter(kind=Actor.Kind.RESIDENT, memberships__user=user).exclude(
        memberships__user__in=User.objects.exclude(pk=user.pk)
    )
    own_actors.update(name=ERASED_TEXT, phone="")
    Membership.objects.filter(user=user).delete()  # organisations keep their other members
    Invitation.objects.filter(email__iexact=user.email).delete()
    texts_scrub(
        needles=needles,
        targets=[(Actor, ["name"]), (LogEntry, ["object_repr", "change_message"])],
    )

    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.filter(email__iexact=user.email).delete()
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.filter(user=user).delete()
    if apps.is_installed("allauth.socialaccount"):
        from allauth.socialaccount.models import SocialAccount

        SocialAccount.objects.filter(user=user).delete()
    _delete_sessions_of(user)

    audit_record(
        by,
        AuditEvent.Action.ACCOUNT_ERASED,
        user,
        link_actor=False,
        **erased,
    )
    user.email = f"erased-{uuid.uuid4().hex}@invalid"
    user.full_name = ""
    user.phone = ""
    user.optional_email = False
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    user.agent_districts.clear()
    return user


# The programme administrator's writes on districts and staff; every change in the audit log.


def _require_administrator(user: User) -> None:
    from . import roles

    if not roles.can_manage_programme(user):
        raise PermissionDenied


def _unique_district_slug(name: str) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:90] or "district"
    slug, number = base, 2
    while District.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def district_save(
    *,
    by: User,
    name_fi: str,
    name_sv: str = "",
    name_en: str = "",
    district: District | None = None,
) -> District:
    """A new district, or new names for one: the Finnish name, the official Swedish one, and an
    English one where it differs. The address (slug) of a district's report stays as it was."""
    from audit.models import AuditEvent
    from audit.services import record as audit_record

    _require_administrator(by)
    names = {"name_fi": name_fi.strip(), "name_sv": name_sv.strip(), "name_en": name_en.strip()}
    if not names["name_fi"]:
        raise ValidationError({"name_fi": _("Give the district's Finnish name.")})
    for field, name in names.items():
        clash = District.objects.filter(**{f"{field}__iexact": name}) if name else None
        if district is not None and clash is not None:
            clash = clash.exclude(pk=district.pk)
        if clash is not None and clash.exists():
            raise ValidationError({field: _("Another district has this name.")})
    created = district is None
    if created:
        district = District(slug=_unique_district_slug(names["name_fi"]))
    else:
        district = District.objects.select_for_update().get(pk=district.pk)
    for field, name in names.items():
        setattr(district, field, name or None)  # no name: none (the names are unique)
    with translation.override("fi"):  # the original column keeps the Finnish name
        district.save()
    audit_record(
        by,
        AuditEvent.Action.DISTRICT_CHANGED,
        district,
        change="created" if created else "renamed",
    )
    return district


def _staff_audit(by: User, user: User, change: str, **details) -> None:
    from audit.models import AuditEvent
    from audit.services import record as audit_record

    audit_record(by, AuditEvent.Action.STAFF_CHANGED, user, change=change, **details)


@transaction.atomic
def staff_invite(
    *, by: User, email: str, role: str, districts: list[District] | None = None
) -> User:
    """Give a person a staff role by their email address: an account is made for a new address
    (they log in by a code sent to it, then set up the authenticator app the role needs), and
    they are told by email. An agent may be limited to some districts."""
    from django.contrib.auth.models import Group

    from . import roles

    _require_administrator(by)
    if role not in roles.STAFF_ROLES:
        raise ValidationError({"role": _("Choose a role.")})
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": _("Give the person's email address.")})
    user = user_get_or_create_for_email(email=email, language=by.language or "fi")
    group = Group.objects.get(name=roles.STAFF_ROLES[role])
    if user.groups.filter(pk=group.pk).exists():
        raise ValidationError({"email": _("This person has this role already.")})
    user.groups.add(group)
    if role == "agent" and districts:
        user.agent_districts.set(districts)
    _staff_audit(
        by,
        user,
        "role_given",
        role=role,
        districts=sorted(district.pk for district in districts or []) if role == "agent" else [],
    )
    transaction.on_commit(
        lambda: _send_later_or_now("send_staff_invitation", user_id=user.pk, role=role)
    )
    return user


def staff_invitation_send(*, user_id: int, role: str) -> None:
    from . import roles

    user = User.objects.get(pk=user_id)
    labels = {
        "agent": _("resident agent"),
        "manager": _("city manager"),
        "administrator": _("programme administrator"),
        "finance": _("finance office"),
    }
    if role not in roles.STAFF_ROLES:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        url = settings.SITE_URL + reverse("account_login")
        context = {"user": user, "role": labels[role], "url": url}
        subject = " ".join(render_to_string("emails/staff_invitation_subject.txt", context).split())
        body = render_to_string("emails/staff_invitation.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def staff_role_remove(*, by: User, user: User, role: str) -> User:
    """Take a staff role away (the person keeps their own ideas). An administrator cannot take
    their own administrator role: somebody must be left to run the programme."""
    from django.contrib.auth.models import Group

    from . import roles

    _require_administrator(by)
    if role not in roles.STAFF_ROLES:
        raise ValidationError(_("Choose a role."))
    if role == "administrator" and user.pk == by.pk:
        raise ValidationError(_("You cannot take away your own administrator role."))
    group = Group.objects.get(name=roles.STAFF_ROLES[role])
    if not user.groups.filter(pk=group.pk).exists():
        raise ValidationError(_("This person does not have this role."))
    user.groups.remove(group)
    if role == "agent":
        user.agent_districts.clear()
    _staff_audit(by, user, "role_removed", role=role)
    return user


@transaction.atomic
def staff_districts_set(*, by: User, user: User, districts: list[District]) -> User:
    """Limit an agent's work to some districts (none: every district)."""
    from . import roles

    _require_administrator(by)
    if not user.groups.filter(name=roles.AGENT_GROUP).exists():
        raise ValidationError(_("Only a resident agent's work is limited to districts."))
    user.agent_districts.set(districts)
    _staff_audit(by, user, "districts_set", districts=sorted(d.pk for d in districts))
    return user
