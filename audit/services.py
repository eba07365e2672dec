"""The one writer of the audit log. Called inside the transaction of the change it records, so
the change and its record commit together or not at all."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models

from .models import AuditEvent

SYSTEM_LABEL = "system"


def actor_label(user) -> str:
    """A label that tells the role, never the person: "user #12 (Resident agents)"."""
    if user is None or not getattr(user, "pk", None):
        return SYSTEM_LABEL
    roles = sorted(user.groups.values_list("name", flat=True))
    if user.is_staff:
        roles.append("staff")
    return f"user #{user.pk} ({', '.join(roles) or 'resident'})"[:100]


def _plain(value):
    """JSON-safe values; money as a string so that no float ever rounds it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def record(
    actor, action: str, obj: models.Model | None = None, *, link_actor: bool = True, **details
) -> AuditEvent:
    """Record one event. `actor` is the user who acted (None for the system); `obj` the record
    acted on; `details` small non-personal facts (amounts, export kind, district). Without
    `link_actor` only the label is kept (an erased person's own last event)."""
    linked = link_actor and actor is not None and getattr(actor, "pk", None)
    return AuditEvent.objects.create(
        actor=actor if linked else None,
        actor_label=actor_label(actor),
        action=AuditEvent.Action(action),
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        details=_plain(details),
    )


def export_made(*, by, kind: str, obj: models.Model | None = None, **details) -> AuditEvent:
    """Somebody took data out of the app (a spreadsheet, a PDF, an export file)."""
    return record(by, AuditEvent.Action.EXPORT_MADE, obj, kind=kind, **details)


def personal_data_exported(*, user) -> AuditEvent:
    """A person downloaded what the app holds about them."""
    return record(user, AuditEvent.Action.DATA_EXPORTED, user)
