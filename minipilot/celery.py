import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minipilot.settings.base")

app = Celery("minipilot")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _sweep_at_start(sender, **kwargs) -> None:
    """Run the sweeps once as the worker starts, not only after beat's first interval: what fell
    due while the system was down is handled at once."""
    from django.conf import settings

    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):  # the tests run tasks themselves
        return
    sender.app.send_task("grants.tasks.sweep_pilots")
    sender.app.send_task("grants.tasks.sweep_pending_notifications")
