"""After the grant: the makers' closing report (kept as a draft while they write it), and the
agent's answer to it (a question back to the makers, or closing the pilot)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors import roles
from actors.decorators import role_required
from common.posted import posted_text

from .. import services
from ..forms import ClosingReportForm
from ..workflow import Status, WorkflowError
from . import session_drafts
from .base import add_service_errors, agent_verb, owned_idea

REPORTABLE_STATUSES = {Status.APPROVED, Status.RUNNING, Status.REPORT_DUE}


@login_required
def closing_report(request, idea_id: int):
    """The makers' closing report; what they type is kept as a draft until they send it."""
    idea = owned_idea(request, idea_id)
    if idea.status not in REPORTABLE_STATUSES:
        messages.error(request, _("A closing report cannot be sent for this idea now."))
        return redirect("grants:idea", idea.pk)
    existing = getattr(idea, "closing_report", None)
    draft_key = session_drafts.report_key(idea.pk)
    if request.method == "POST":
        form = ClosingReportForm(request.POST, request.FILES, instance=existing)
    else:
        draft = request.session.get(draft_key)
        initial = (
            session_drafts.initial_from(draft)
            if draft
            else ClosingReportForm.initial_lessons(existing)
        )
        form = ClosingReportForm(instance=existing, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.closing_report_submit(
                idea=idea,
                by=request.user,
                lessons=form.lessons(),
                photo=form.cleaned_data.get("photo"),
                **form.report_fields(),
            )
        except (ValidationError, WorkflowError) as error:
            add_service_errors(form, error)
        else:
            request.session.pop(draft_key, None)
            messages.success(request, _("Thank you! Your closing report was sent."))
            return redirect("grants:idea", idea.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "grants/closing_report_form.html",
        {
            "form": form,
            "idea": idea,
            "restored": request.method != "POST" and draft_key in request.session,
        },
        status=status,
    )


@login_required
@require_POST
def closing_report_autosave(request, idea_id: int):
    idea = owned_idea(request, idea_id)
    session_drafts.keep(
        request.session, session_drafts.report_key(idea.pk), request.POST, ClosingReportForm
    )
    return render(request, "grants/partials/autosaved.html", {"saved_at": timezone.now()})


@role_required(roles.is_agent)
@require_POST
def agent_return_report(request, idea_id: int):
    return agent_verb(
        request,
        idea_id,
        services.closing_report_return,
        arguments=lambda: {"question": posted_text(request, "question", 2000)},
        success=_("The report went back to its makers with your question."),
    )


@role_required(roles.is_agent)
@require_POST
def agent_close(request, idea_id: int):
    return agent_verb(request, idea_id, services.idea_close, success=_("The pilot is closed."))
