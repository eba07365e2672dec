"""Exports of a district's pilots: streamed at once, or made as a file by a Celery task and
offered for download when ready (for districts too large to wait for)."""

import csv
import io
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actors.models import District, User
from audit.models import AuditEvent
from audit.services import record as audit_record
from common import broker
from common.spreadsheet import safe_cell

from .. import selectors
from ..models import Export


def district_rows(*, district: District):
    """The header and the (lazily read) rows of a district's export, in the active language."""
    pilots = selectors.district_pilots(district=district).prefetch_related(
        "closing_report__lessons"
    )
    header = [
        _("Pilot"),
        _("Applicant"),
        _("Kind of applicant"),
        _("Status"),
        _("Starts on"),
        _("Ends on"),
        _("Grant (€)"),
        _("Actual cost (€)"),
        _("Participants"),
        _("Novelty"),
        _("Change"),
        _("Usefulness"),
        _("Continuation"),
        _("What did not work"),
        _("Lessons"),
    ]

    def rows():
        for idea in pilots.iterator(chunk_size=500):
            report = getattr(idea, "closing_report", None)
            yield [
                idea.title,
                idea.applicant.public_name,
                idea.applicant.get_kind_display(),
                idea.get_status_display(),
                idea.starts_on.isoformat(),
                idea.ends_on.isoformat(),
                idea.grant.amount if hasattr(idea, "grant") else "",
                report.actual_cost if report else "",
                report.participants_total if report else "",
                report.novelty if report else "",
                report.change if report else "",
                report.usefulness if report else "",
                report.get_continuation_display() if report else "",
                report.what_did_not_work if report else "",
                " | ".join(lesson.text for lesson in report.lessons.all()) if report else "",
            ]

    return header, rows()


@transaction.atomic
def export_request(*, district: District, by: User) -> Export:
    from .. import tasks

    export = Export.objects.create(
        district=district, requested_by=by, language=translation.get_language() or "fi"
    )
    audit_record(
        by, AuditEvent.Action.EXPORT_MADE, district, kind="district_export_task", export=export.pk
    )
    transaction.on_commit(lambda: _hand_over_or_fail(tasks.make_export, export.pk))
    return export


def _hand_over_or_fail(task, export_id: int) -> None:
    """With the broker down the export cannot be made: its page says so at once, and the
    manager asks again later, instead of watching a file that never comes."""
    if not broker.hand_over(task, export_id):
        export_failed(export_id=export_id)


def export_make(*, export_id: int) -> Export:
    """Write the export's file; the rows are read in chunks, the file written as it goes."""
    export = Export.objects.select_related("district").get(pk=export_id)
    count = 0
    # A temporary file on disk, copied to storage in chunks: memory stays flat at any size.
    with tempfile.TemporaryFile() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        text.write("\ufeff")
        writer = csv.writer(text)
        with translation.override(export.language):
            header, rows = district_rows(district=export.district)
            writer.writerow([safe_cell(cell) for cell in header])
            for row in rows:
                writer.writerow([safe_cell(cell) for cell in row])
                count += 1
        text.flush()
        raw.seek(0)
        export.file.save(f"minipilot-{export.district.slug}-{export.pk}.csv", File(raw), save=False)
        text.detach()
    export.rows = count
    export.state = Export.State.READY
    export.finished_at = timezone.now()
    export.save()
    return export


def export_failed(*, export_id: int) -> None:
    """Mark an export that could not be made, so its page says so instead of waiting."""
    Export.objects.filter(pk=export_id).update(state=Export.State.FAILED)
