"""Staff single sign-on by OpenID Connect: the city's identity provider (allauth's
`openid_connect` provider, configured from the environment in settings) says who a person is
and which of its groups they belong to; the roles those groups give (settings.OIDC_GROUP_ROLES)
are set again at each such login, so a person removed from a group has lost its role at their
next login, and a person who has left the city cannot log in at all.

A person who logs in through the provider keeps exactly the staff roles their groups give:
roles given in the app by an administrator are replaced by the provider's at that login (the
provider is where the city manages its staff). A person whose account is linked to the provider
and who logs in another way (a code, a password) has no staff roles in that session: staff roles
come through the provider only. Where the provider says it asked for the second step (`amr`),
the app's own authenticator app is not required in that session (actors/mfa.py). Residents keep
the login by a code sent to their address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from . import roles
from .models import District, User

logger = logging.getLogger(__name__)

# Set in the session by a login through the city's provider (actors/mfa.py reads it).
SESSION_KEY = "actors_signed_in_by_provider"


@dataclass(frozen=True)
class Rule:
    group: str
    role: str
    district: str = ""  # an agent of this district only (its slug)


def rules(table: str | None = None) -> list[Rule]:
    """The table of OIDC_GROUP_ROLES: "group=role" or "group=agent:district-slug", separated by
    commas."""
    table = settings.OIDC_GROUP_ROLES if table is None else table
    found = []
    for entry in table.split(","):
        if not entry.strip():
            continue
        group, _sep, target = entry.partition("=")
        role, _sep, district = target.strip().partition(":")
        if not group.strip() or role not in roles.STAFF_ROLES or (district and role != "agent"):
            raise ImproperlyConfigured(f"OIDC_GROUP_ROLES: cannot read {entry.strip()!r}")
        found.append(Rule(group.strip(), role, district.strip()))
    return found


@dataclass(frozen=True)
class Roles:
    roles: frozenset[str]
    # An agent's districts by slug; empty: every district.
    districts: frozenset[str]


def roles_of(groups, table: list[Rule] | None = None) -> Roles:
    """The staff roles that a person's groups give. An agent group without a district gives
    every district; agent groups of districts only, those districts."""
    table = rules() if table is None else table
    groups = {str(group) for group in groups or []}
    matched = [rule for rule in table if rule.group in groups]
    given = frozenset(rule.role for rule in matched)
    agent_rules = [rule for rule in matched if rule.role == "agent"]
    every_district = any(not rule.district for rule in agent_rules)
    districts = frozenset() if every_district else frozenset(r.district for r in agent_rules)
    return Roles(given, districts)


def groups_of(data: dict) -> list[str] | None:
    """The groups claim of what the provider said (its user info, else its ID token); None when
    neither carries the claim at all (not sent, or too many groups to send: Entra ID then sends
    a link instead), which is not the same as no groups."""
    claim = settings.OIDC_GROUPS_CLAIM
    found = None
    for part in (data.get("userinfo") or {}, data.get("id_token") or {}, data):
        if claim in part:
            value = part[claim] or []
            found = [value] if isinstance(value, str) else list(value)
            if found:
                return found
    return found


def second_factor_asked(data: dict) -> bool:
    """Whether the provider says it asked for a second step at this login (the `amr` claim)."""
    methods = (data.get("id_token") or {}).get("amr") or (data.get("userinfo") or {}).get("amr")
    methods = [methods] if isinstance(methods, str) else list(methods or [])
    return bool(set(methods) & set(settings.OIDC_SECOND_FACTOR_AMR))


@transaction.atomic
def roles_apply(*, user: User, groups) -> Roles | None:
    """Give the person exactly the staff roles their groups give, and an agent their districts;
    an audit row for each role given or taken and for districts changed. Without a groups claim
    (None) the roles stay as they are. An agent group of a district that does not exist (a slug
    mistyped or renamed) gives no agent role at all rather than every district."""
    from django.contrib.auth.models import Group

    from audit.models import AuditEvent
    from audit.services import record as audit_record

    if groups is None:
        logger.warning(
            "sso: no %r claim for user %s; roles left as they were",
            settings.OIDC_GROUPS_CLAIM,
            user.pk,
        )
        return None
    wanted = roles_of(groups)
    districts = list(District.objects.filter(slug__in=wanted.districts))
    if len(districts) != len(wanted.districts):
        unknown = sorted(wanted.districts - {d.slug for d in districts})
        logger.error("sso: OIDC_GROUP_ROLES names districts that do not exist: %s", unknown)
        wanted = Roles(wanted.roles - {"agent"}, frozenset())

    def audited(change: str, **details) -> None:
        audit_record(
            user,
            AuditEvent.Action.STAFF_CHANGED,
            user,
            change=change,
            by="identity provider",
            **details,
        )

    held = set(user.groups.values_list("name", flat=True))
    for role, group_name in roles.STAFF_ROLES.items():
        if role in wanted.roles and group_name not in held:
            user.groups.add(Group.objects.get(name=group_name))
            audited("role_given", role=role)
        elif role not in wanted.roles and group_name in held:
            user.groups.remove(Group.objects.get(name=group_name))
            audited("role_removed", role=role)
    if "agent" not in wanted.roles:
        districts = []
    if {d.pk for d in districts} != set(user.agent_districts.values_list("pk", flat=True)):
        user.agent_districts.set(districts)
        audited("districts_set", districts=sorted(d.pk for d in districts))
    # What this object has already read of its permissions is of the roles before.
    for cached in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_district_scope"):
        user.__dict__.pop(cached, None)
    return wanted


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Accounts made at a first login through the city's provider get the person's name."""

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = (data.get("name") or "").strip()
        if name and not user.full_name:
            user.full_name = name[:150]
        return user


def is_from_provider(sociallogin) -> bool:
    return sociallogin is not None and sociallogin.account.provider == settings.OIDC_PROVIDER_ID


def is_linked(user) -> bool:
    """Whether the person's account is linked to the city's provider."""
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects.filter(user=user, provider=settings.OIDC_PROVIDER_ID).exists()


def _logged_in(sender, request, user, sociallogin=None, **kwargs) -> None:
    """Logged in through the city's provider (its roles given by AccountAdapter.pre_login): the
    note that the provider asked for the second step, where it says it did."""
    if is_from_provider(sociallogin) and second_factor_asked(sociallogin.account.extra_data):
        request.session[SESSION_KEY] = user.pk


def connect() -> None:
    from allauth.account.signals import user_logged_in

    user_logged_in.connect(_logged_in, dispatch_uid="actors.sso.logged_in")
