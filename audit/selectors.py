from django.db.models import Prefetch, QuerySet

from .filters import AuditEventFilter
from .models import AuditEvent


def audit_events(*, district_slugs: list[str] | None = None, districts_only: bool = False):
    """Newest first, with who acted and their roles. `districts_only` keeps the events of a
    district (decisions, payments), within `district_slugs` when given: what an agent reads."""
    from django.contrib.auth.models import Group

    events = (
        AuditEvent.objects.select_related("actor")
        .prefetch_related(Prefetch("actor__groups", queryset=Group.objects.only("name")))
        .only(
            "at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "details",
            "actor__full_name",
            "actor__email",
            "actor__is_staff",
        )
        .order_by("-at", "-id")
    )
    if districts_only:
        events = events.filter(details__has_key="district")
    if district_slugs is not None:
        events = events.filter(details__district__in=district_slugs)
    return events


def audit_log(*, params, **scope) -> AuditEventFilter:
    return AuditEventFilter(params, queryset=audit_events(**scope))


def audit_log_empty() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.none()
