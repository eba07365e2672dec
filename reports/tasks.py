from celery import shared_task

from .services import exports, figures, open_data


@shared_task(soft_time_limit=1800, time_limit=1900)
def make_export(export_id: int) -> int:
    try:
        return exports.export_make(export_id=export_id).rows
    except Exception:
        exports.export_failed(export_id=export_id)
        raise


@shared_task(soft_time_limit=600, time_limit=660)
def refresh_report_figures(full: bool = False) -> int:
    """What changed since the last refresh (or, with full, everything: every night)."""
    return figures.refresh(full=full)


@shared_task(soft_time_limit=1800, time_limit=1900)
def prepare_open_data() -> bool:
    """The open-data files, made again when the data changed (reports/services/open_data.py)."""
    return open_data.prepare_if_changed()
