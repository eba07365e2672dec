from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import (
    Attachment,
    BudgetLine,
    ClosingReport,
    Grant,
    Idea,
    Introduction,
    Lesson,
    Message,
    ReasonTemplate,
    Round,
    StatusChange,
)


@admin.register(Round)
class RoundAdmin(TranslationAdmin):
    list_display = ["name", "opens_on", "closes_on", "budget", "granted_total", "default_grant"]
    readonly_fields = ["granted_total"]
    filter_horizontal = ["districts"]
    prepopulated_fields = {"slug": ["name"]}


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "by", "reason", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    """Statuses change only through the workflow's services, so the admin shows them read-only."""

    list_display = ["title", "district", "round", "status", "amount", "submitted_at"]
    list_filter = ["status", "district", "round"]
    search_fields = ["title", "need", "plan"]
    # The round is the one the idea was sent in (the vectors' index keeps it: grants/meaning.py).
    readonly_fields = ["status", "round", "submitted_at", "decided_at", "created_at", "updated_at"]
    autocomplete_fields = ["applicant", "partners"]
    inlines = [StatusChangeInline]


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["idea", "amount", "decided_by", "decided_at", "payment_state", "paid_on"]
    list_filter = ["payment_state", "round"]
    readonly_fields = ["idea", "round", "amount", "decided_by", "decided_at"]


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0


@admin.register(ClosingReport)
class ClosingReportAdmin(admin.ModelAdmin):
    list_display = ["idea", "submitted_at", "actual_cost", "novelty", "change", "usefulness"]
    list_filter = ["continuation", "publish"]
    inlines = [LessonInline]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["idea", "action", "from_status", "to_status", "by", "created_at"]
    list_filter = ["action", "to_status"]
    readonly_fields = ["idea", "action", "from_status", "to_status", "by", "reason", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReasonTemplate)
class ReasonTemplateAdmin(TranslationAdmin):
    list_display = ["title", "active"]
    list_filter = ["active"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["idea", "author", "from_agent", "internal", "created_at"]
    list_filter = ["internal", "from_agent"]
    search_fields = ["body"]


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ["idea", "actor", "introduced_by", "created_at"]


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["idea", "description", "amount"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["idea", "original_name", "content_type", "size", "created_at"]
    readonly_fields = ["file", "original_name", "content_type", "size", "uploaded_by"]
