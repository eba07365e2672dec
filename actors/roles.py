"""Roles are groups with permissions. Views check permissions, never group names."""

from django.contrib.auth.models import Group, Permission

AGENT_GROUP = "Resident agents"
MANAGER_GROUP = "City managers"
ADMINISTRATOR_GROUP = "Programme administrators"
FINANCE_GROUP = "Finance office"

# Permission names as "app_label.codename".
DECIDE_IDEAS = "grants.decide_idea"
VIEW_AGENT_DASHBOARD = "grants.view_agent_dashboard"
VIEW_DISTRICT_REPORTS = "actors.view_district_report"
VIEW_AUDIT_LOG = "audit.view_audit_log"
RECORD_CITY_DECISIONS = "grants.record_city_decision"
MANAGE_PROGRAMME = "grants.manage_programme"
PAY_GRANTS = "grants.pay_grants"

ROLE_PERMISSIONS = {
    AGENT_GROUP: [DECIDE_IDEAS, VIEW_AGENT_DASHBOARD, VIEW_DISTRICT_REPORTS, PAY_GRANTS],
    MANAGER_GROUP: [
        VIEW_AGENT_DASHBOARD,
        VIEW_DISTRICT_REPORTS,
        VIEW_AUDIT_LOG,
        RECORD_CITY_DECISIONS,
    ],
    # Rounds, districts, themes, reasons and staff; the audit log shows what changed.
    ADMINISTRATOR_GROUP: [MANAGE_PROGRAMME, VIEW_AUDIT_LOG],
    # The money page, payment batches and the payees' bank details; no ideas, no reports.
    FINANCE_GROUP: [PAY_GRANTS],
}

# The roles an administrator gives and takes, by the word the pages use.
STAFF_ROLES = {
    "agent": AGENT_GROUP,
    "manager": MANAGER_GROUP,
    "administrator": ADMINISTRATOR_GROUP,
    "finance": FINANCE_GROUP,
}


def ensure_roles() -> None:
    """Create the role groups and give them exactly their permissions (idempotent)."""
    for group_name, permission_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        permissions = []
        for name in permission_names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)


def is_agent(user) -> bool:
    return user.is_authenticated and user.has_perm(DECIDE_IDEAS)


def can_view_dashboard(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_AGENT_DASHBOARD)


def can_pay(user) -> bool:
    """Agents and the finance office make payment batches, record payments and see where
    each grant is paid (the payees' bank details)."""
    return user.is_authenticated and user.has_perm(PAY_GRANTS)


def can_view_money(user) -> bool:
    """The money page: budgets and the grants to pay, for the dashboard's readers and those
    who pay."""
    return can_view_dashboard(user) or can_pay(user)


def can_view_reports(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_DISTRICT_REPORTS)


def can_record_city_decisions(user) -> bool:
    """City managers record what the city decided about a pilot after its closing report."""
    return user.is_authenticated and user.has_perm(RECORD_CITY_DECISIONS)


def can_manage_programme(user) -> bool:
    """Programme administrators run the rounds, districts, reasons and staff."""
    return user.is_authenticated and user.has_perm(MANAGE_PROGRAMME)


def can_view_themes(user) -> bool:
    """The themes page: those who read the reports, and the programme administrators."""
    return can_view_reports(user) or can_manage_programme(user)


def can_curate_themes(user) -> bool:
    """Agents and city managers accept, rename, merge, create and retire themes."""
    return is_agent(user) or (user.is_authenticated and user.has_perm(VIEW_AUDIT_LOG))


def may_tag_lesson(user, district_id: int) -> bool:
    """An agent whose work is limited to some districts tags only the lessons of their pilots;
    managers and administrators tag any."""
    if not can_curate_themes(user):
        return False
    return not is_agent(user) or in_scope(user, district_id)


def reads_whole_audit_log(user) -> bool:
    return user.is_authenticated and (user.is_staff or user.has_perm(VIEW_AUDIT_LOG))


def can_view_audit_log(user) -> bool:
    """Managers and staff read all of it; an agent the events of their own districts."""
    return reads_whole_audit_log(user) or is_agent(user)


def is_privileged(user) -> bool:
    """Agents, managers and staff: their decisions are part of the audit trail."""
    return user.is_authenticated and (
        user.is_staff
        or user.is_superuser
        or can_view_dashboard(user)
        or can_view_reports(user)
        or user.has_perm(VIEW_AUDIT_LOG)
        or user.has_perm(MANAGE_PROGRAMME)
        or user.has_perm(PAY_GRANTS)
    )


def district_ids_in_scope(user) -> list[int] | None:
    """The districts a person's agent work is limited to, or None for every district."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_district_scope", False)
    if cached is not False:
        return cached
    # Kept in the shared cache beside the person's permissions, and dropped with them
    # (actors/permission_cache.py): every agent's page asks.
    from django.core.cache import cache

    from .permission_cache import TIMEOUT, scope_key_of

    key = scope_key_of(user.pk)
    kept = cache.get(key)
    if kept is None:
        kept = list(user.agent_districts.values_list("id", flat=True))
        cache.set(key, kept, TIMEOUT)
    user._district_scope = kept or None
    return user._district_scope


def in_scope(user, district_id: int) -> bool:
    scope = district_ids_in_scope(user)
    return scope is None or district_id in scope
