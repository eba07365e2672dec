"""What reports holds about a person: the exports they asked for (staff only); its figures are
statistics (registered with `actors.personal_data` when the app starts)."""

from actors.models import User
from actors.personal_data import EXPORTED, STATISTICS

from .models import Export

HOLDS = {
    "reports.Export": {EXPORTED},
    "reports.ReportFigures": {STATISTICS},
}


def export(*, user: User) -> dict:
    return {
        "exports_requested": [
            {
                "district": export.district.name,
                "requested": export.created_at.isoformat(),
                "state": export.state,
            }
            for export in Export.objects.filter(requested_by=user).select_related("district")
        ]
    }
