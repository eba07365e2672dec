from django.urls import path

from .views import agent, files, idea_page, ideas, manage, money, pilot, public

app_name = "grants"

urlpatterns = [
    # Writing an idea (views/ideas.py) and the past pilots like it (views/public.py).
    path("ideas/new/", ideas.idea_create, name="idea_new"),
    path("ideas/similar/", public.similar_pilots, name="similar"),
    path("ideas/autosave/", ideas.idea_autosave, name="autosave"),
    path("ideas/claim/", ideas.idea_claim, name="idea_claim"),
    path("ideas/new/finish/", ideas.idea_finish, name="idea_finish"),
    path("ideas/new/resume/", ideas.idea_resume, name="idea_resume"),
    path("ideas/<int:idea_id>/edit/", ideas.idea_edit, name="idea_edit"),
    # An idea for its makers (views/idea_page.py).
    path("ideas/<int:idea_id>/", idea_page.idea_page, name="idea"),
    path("ideas/<int:idea_id>/messages/", idea_page.idea_messages, name="idea_messages"),
    path("ideas/<int:idea_id>/budget/", idea_page.budget_line_add, name="budget_line_add"),
    path(
        "ideas/<int:idea_id>/budget/<int:line_id>/delete/",
        idea_page.budget_line_remove,
        name="budget_line_remove",
    ),
    path("ideas/<int:idea_id>/payee/", money.idea_payee, name="idea_payee"),
    # The closing report (views/pilot.py).
    path("ideas/<int:idea_id>/report/", pilot.closing_report, name="closing_report"),
    path(
        "ideas/<int:idea_id>/report/autosave/",
        pilot.closing_report_autosave,
        name="closing_report_autosave",
    ),
    # Attachments (views/files.py).
    path("ideas/<int:idea_id>/files/", files.attachment_add, name="attachment_add"),
    path(
        "ideas/<int:idea_id>/files/<int:attachment_id>/",
        files.attachment_download,
        name="attachment",
    ),
    path(
        "ideas/<int:idea_id>/files/<int:attachment_id>/delete/",
        files.attachment_remove,
        name="attachment_remove",
    ),
    path("ideas/<int:idea_id>/<str:action>/", idea_page.idea_action, name="idea_action"),
    path("my/", idea_page.my_ideas, name="my"),
    path("my/notifications/", idea_page.my_notifications, name="notifications"),
    # The resident agent (views/agent.py, views/money.py, views/pilot.py).
    path("agent/", agent.agent_dashboard, name="agent"),
    path("agent/follow-up/", agent.agent_follow_up, name="agent_follow_up"),
    path("agent/money/", money.agent_money, name="agent_money"),
    path("agent/ideas/new/", agent.agent_idea_new, name="agent_idea_new"),
    path("agent/approve/", agent.agent_bulk_approve, name="agent_bulk_approve"),
    path("agent/grants/<int:grant_id>/paid/", money.grant_paid, name="grant_paid"),
    path("agent/grants.csv", money.payments_csv, name="payments_csv"),
    path("agent/grants.xlsx", money.payments_xlsx, name="payments_xlsx"),
    path("agent/payments/", money.batch_create, name="batch_create"),
    path("agent/payments/<int:batch_id>/", money.payment_batch, name="payment_batch"),
    path("agent/payments/<int:batch_id>/sepa.xml", money.batch_sepa_file, name="batch_sepa"),
    path("agent/payments/<int:batch_id>/list.xlsx", money.batch_spreadsheet, name="batch_xlsx"),
    path("agent/payments/<int:batch_id>/paid/", money.batch_paid, name="batch_paid"),
    path("agent/payments/<int:batch_id>/cancel/", money.batch_cancel, name="batch_cancel"),
    path("agent/ideas/<int:idea_id>/", agent.agent_idea, name="agent_idea"),
    path("agent/ideas/<int:idea_id>/mill/", agent.agent_idea_mill, name="agent_idea_mill"),
    path("agent/ideas/<int:idea_id>/close/", pilot.agent_close, name="agent_close"),
    path(
        "agent/ideas/<int:idea_id>/return/", pilot.agent_return_report, name="agent_return_report"
    ),
    path(
        "agent/ideas/<int:idea_id>/introduce/<int:actor_id>/",
        agent.agent_introduce,
        name="agent_introduce",
    ),
    path("agent/ideas/<int:idea_id>/release/", agent.agent_release, name="agent_release"),
    path("agent/ideas/<int:idea_id>/spam/", agent.agent_discard_spam, name="agent_discard_spam"),
    # The public page of a round (views/public.py).
    path("rounds/<int:round_id>/", public.round_page, name="round"),
    # The programme administrator's pages (views/manage.py).
    path("manage/", manage.manage_home, name="manage"),
    path("manage/rounds/new/", manage.round_new, name="manage_round_new"),
    path("manage/rounds/<int:round_id>/", manage.round_edit, name="manage_round"),
    path("manage/rounds/<int:round_id>/open/", manage.round_open, name="manage_round_open"),
    path("manage/rounds/<int:round_id>/close/", manage.round_close, name="manage_round_close"),
    path("manage/rounds/<int:round_id>/extend/", manage.round_extend, name="manage_round_extend"),
    path("manage/reasons/", manage.reason_list, name="manage_reasons"),
    path("manage/reasons/new/", manage.reason_edit, name="manage_reason_new"),
    path("manage/reasons/<int:reason_id>/", manage.reason_edit, name="manage_reason"),
]
