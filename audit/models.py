from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which record, and when: decisions, payments, exports and what was done
    with a person's data. The actor is kept as a label that names no person, so the log can be
    kept when the person's account is erased."""

    class Action(models.TextChoices):
        IDEA_APPROVED = "idea_approved", _("Idea approved")
        IDEA_FAST_TRACKED = "idea_fast_tracked", _("Idea approved with the one-click grant")
        IDEA_DECLINED = "idea_declined", _("Idea declined")
        IDEA_INFO_REQUESTED = "idea_info_requested", _("More information asked of the makers")
        PILOT_CLOSED = "pilot_closed", _("Closing report accepted and the pilot closed")
        THEME_CHANGED = "theme_changed", _("Theme created, renamed, merged or retired")
        LESSON_TAGGED = "lesson_tagged", _("Lesson put under a theme")
        CITY_DECIDED = "city_decided", _("City's decision on a pilot recorded")
        ROUND_CHANGED = "round_changed", _("Round created, changed, opened, closed or extended")
        DISTRICT_CHANGED = "district_changed", _("District added or renamed")
        REASON_CHANGED = "reason_changed", _("Ready-made reason written or changed")
        STAFF_CHANGED = "staff_changed", _("Staff member invited, or a role or districts changed")
        IDEA_DISCARDED = "idea_discarded", _("Held idea discarded as spam")
        IDEA_RELEASED = "idea_released", _("Held idea released to the queue")
        GRANT_PAID = "grant_paid", _("Grant marked as paid")
        PAYEE_CHANGED = "payee_changed", _("Payee or bank account given or changed")
        PAYMENT_BATCH = "payment_batch", _("Payment batch made, paid or cancelled")
        EXPORT_MADE = "export_made", _("Export made")
        DATA_EXPORTED = "data_exported", _("Own data downloaded")
        ACCOUNT_ERASED = "account_erased", _("Account erased")
        DRAFTS_DELETED_BY_RETENTION = (
            "drafts_deleted_by_retention",
            _("Old draft deleted by the retention rule"),
        )

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("by"), max_length=100)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        permissions = [("view_audit_log", _("Can read the audit log"))]
        indexes = [models.Index(fields=["action", "at"], name="auditevent_action_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"
