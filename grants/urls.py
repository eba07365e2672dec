from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("ideas/new/", views.idea_create, name="idea_new"),
    path("ideas/similar/", views.similar_pilots, name="similar"),
    path("ideas/autosave/", views.idea_autosave, name="autosave"),
    path("ideas/claim/", views.idea_claim, name="idea_claim"),
    path("ideas/new/finish/", views.idea_finish, name="idea_finish"),
    path("ideas/new/resume/", views.idea_resume, name="idea_resume"),
    path("ideas/<int:idea_id>/", views.idea_page, name="idea"),
    path("ideas/<int:idea_id>/edit/", views.idea_edit, name="idea_edit"),
    path("ideas/<int:idea_id>/report/", views.closing_report, name="closing_report"),
    path(
        "ideas/<int:idea_id>/report/autosave/",
        views.closing_report_autosave,
        name="closing_report_autosave",
    ),
    path("ideas/<int:idea_id>/messages/", views.idea_messages, name="idea_messages"),
    path("ideas/<int:idea_id>/budget/", views.budget_line_add, name="budget_line_add"),
    path(
        "ideas/<int:idea_id>/budget/<int:line_id>/delete/",
        views.budget_line_remove,
        name="budget_line_remove",
    ),
    path("ideas/<int:idea_id>/files/", views.attachment_add, name="attachment_add"),
    path(
        "ideas/<int:idea_id>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "ideas/<int:idea_id>/files/<int:attachment_id>/delete/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path(
        "ideas/<int:idea_id>/<str:action>/",
        views.idea_action,
        name="idea_action",
    ),
    path("my/", views.my_ideas, name="my"),
    path("my/notifications/", views.my_notifications, name="notifications"),
    path("agent/", views.agent_dashboard, name="agent"),
    path("agent/follow-up/", views.agent_follow_up, name="agent_follow_up"),
    path("agent/money/", views.agent_money, name="agent_money"),
    path("agent/ideas/new/", views.agent_idea_new, name="agent_idea_new"),
    path("agent/approve/", views.agent_bulk_approve, name="agent_bulk_approve"),
    path("agent/grants/<int:grant_id>/paid/", views.grant_paid, name="grant_paid"),
    path("agent/grants.csv", views.payments_csv, name="payments_csv"),
    path("agent/ideas/<int:idea_id>/", views.agent_idea, name="agent_idea"),
    path("agent/ideas/<int:idea_id>/mill/", views.agent_idea_mill, name="agent_idea_mill"),
    path("agent/ideas/<int:idea_id>/close/", views.agent_close, name="agent_close"),
    path(
        "agent/ideas/<int:idea_id>/return/", views.agent_return_report, name="agent_return_report"
    ),
    path(
        "agent/ideas/<int:idea_id>/introduce/<int:actor_id>/",
        views.agent_introduce,
        name="agent_introduce",
    ),
    path("agent/ideas/<int:idea_id>/release/", views.agent_release, name="agent_release"),
]
