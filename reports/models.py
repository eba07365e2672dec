from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Export(models.Model):
    """A large export made by a Celery task and offered for download when ready."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    district = models.ForeignKey(
        "actors.District", on_delete=models.CASCADE, related_name="exports"
    )
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.WAITING
    )
    file = models.FileField(upload_to="exports/", blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.district} ({self.get_state_display()})"


class ReportFigures(models.Model):
    """The figures of one district and round (or their totals), as computed at computed_at.

    Refreshed together by a Celery task (reports.tasks, calling reports.services.figures.refresh).
    """

    key = models.CharField(max_length=40, unique=True)
    data = models.JSONField()
    computed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("report figures")
        verbose_name_plural = _("report figures")

    def __str__(self) -> str:
        return self.key
