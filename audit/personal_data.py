"""What the audit log records of a person's own actions, for their download (registered with
`actors.personal_data` when the app starts). The log stays at erasure: it names no one (the
actor is a label such as "user #12 (resident)"), and it is the record of public money."""

from actors.personal_data import EXPORTED

from .models import AuditEvent

HOLDS = {"audit.AuditEvent": {EXPORTED}}


def export(*, user) -> dict:
    return {
        "audit_events": [
            {"action": event.action, "at": event.at.isoformat()}
            for event in AuditEvent.objects.filter(actor=user).order_by("at")
        ]
    }
