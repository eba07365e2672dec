from django.db.models import QuerySet

from .filters import AuditEventFilter
from .models import AuditEvent


def audit_events() -> QuerySet[AuditEvent]:
    """Newest first; the page shows the stored label, so no join to the users is needed."""
    return AuditEvent.objects.only(
        "at", "actor_label", "action", "object_type", "object_id", "details"
    ).order_by("-at", "-id")


def audit_log(*, params) -> AuditEventFilter:
    return AuditEventFilter(params, queryset=audit_events())
