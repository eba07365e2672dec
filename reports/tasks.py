from celery import shared_task

from .services import exports, figures


@shared_task(soft_time_limit=1800, time_limit=1900)
def make_export(export_id: int) -> int:
    try:
        return exports.export_make(export_id=export_id).rows
    except Exception:
        exports.export_failed(export_id=export_id)
        raise


@shared_task(soft_time_limit=600, time_limit=660)
def refresh_report_figures() -> int:
    return figures.refresh()
