"""An idea for its makers: my ideas, one idea's page with its timeline and thread, the makers'
own actions on it (send, answer, withdraw), its budget lines, and what the app has sent them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors import roles
from common import fragments, versions

from .. import selectors, services
from ..forms import AnswerForm, AttachmentForm, BudgetLineForm, MessageForm
from ..workflow import EDITABLE_STATUSES, Role, WorkflowError, allowed_actions
from .base import (
    add_service_errors,
    agent_may_read,
    error_text,
    load_idea,
    owned_idea,
    owned_part,
)

MY_PAGE_SIZE = 25


@login_required
def my_ideas(request):
    """The person's ideas and pilots, the latest changed first, a page at a time: drawn once
    until one of them, the person's organisations or a district's name changes."""
    key = fragments.key(
        request,
        "my",
        request.user.pk,
        names=[versions.person_ideas(request.user.pk), versions.PUBLIC],
    )

    def build():
        ideas = selectors.ideas_of_user(user=request.user)
        page = Paginator(ideas, MY_PAGE_SIZE).get_page(request.GET.get("page"))
        return {"page": page, "ideas": page.object_list}, 200

    body, _status = fragments.kept(key, request, "grants/my_body.html", build)
    return render(request, "grants/my.html", {"body": body})


@login_required
def my_notifications(request):
    """Everything the app has sent the person, also what they switched off by email."""
    return render(
        request,
        "grants/notifications.html",
        {"notifications": selectors.notifications_of(user=request.user)},
    )


@login_required
def idea_page(request, idea_id: int):
    idea = load_idea(idea_id)
    is_owner = selectors.idea_is_owned_by(idea=idea, user=request.user)
    if not (is_owner or agent_may_read(request.user, idea)):
        raise PermissionDenied
    return render_idea_page(request, idea, is_owner=is_owner)


def render_idea_page(
    request,
    idea,
    *,
    is_owner: bool,
    answer_form=None,
    message_form=None,
    budget_form=None,
    attachment_form=None,
    status=200,
):
    actions = allowed_actions(status=idea.status, role=Role.APPLICANT) if is_owner else []
    can_post = is_owner or roles.is_agent(request.user)
    payee_needed = is_owner and selectors.payee_needed(idea=idea)
    return render(
        request,
        "grants/idea_detail.html",
        {
            "idea": idea,
            "is_owner": is_owner,
            "actions": actions,
            "can_edit": is_owner and idea.status in EDITABLE_STATUSES,
            "answer_form": answer_form or AnswerForm(),
            "thread": selectors.thread_of(idea=idea, user=request.user),
            "message_form": (message_form or MessageForm()) if can_post else None,
            "budget_form": budget_form or BudgetLineForm(),
            "attachment_form": attachment_form or AttachmentForm(),
            "can_attach": is_owner and idea.status in services.ATTACHABLE_STATUSES,
            # The closing report is offered once the pilot has started (not for one to come).
            "pilot_started": idea.starts_on <= timezone.localdate(),
            "payee_needed": payee_needed,
            "payee": selectors.payee_of(actor=idea.applicant) if payee_needed else None,
        },
        status=status,
    )


@login_required
@require_POST
def idea_action(request, idea_id: int, action: str):
    """The applicant's own actions: submit, answer a question, withdraw."""
    idea = owned_idea(request, idea_id)
    answer_form = None
    try:
        if action == "submit":
            services.idea_submit(idea=idea, by=request.user)
            messages.success(request, _("Thank you! Your idea was sent to the resident agent."))
        elif action == "withdraw":
            services.idea_withdraw(idea=idea, by=request.user)
            messages.success(request, _("Your idea was withdrawn."))
        elif action == "answer":
            answer_form = AnswerForm(request.POST)
            if not answer_form.is_valid():
                return render_idea_page(
                    request, idea, is_owner=True, answer_form=answer_form, status=400
                )
            services.idea_answer(
                idea=idea, by=request.user, answer=answer_form.cleaned_data["answer"]
            )
            messages.success(request, _("Your answer was sent to the resident agent."))
        else:
            raise Http404
    except (WorkflowError, ValidationError) as error:
        messages.error(request, error_text(error))
        return render_idea_page(
            request, load_idea(idea_id), is_owner=True, answer_form=answer_form, status=409
        )
    return redirect("grants:idea", idea.pk)


@login_required
@require_POST
def idea_messages(request, idea_id: int):
    """Post to the idea's thread: its makers, or a resident agent (who may keep a note internal)."""
    from .agent import render_agent_idea

    idea = load_idea(idea_id)
    is_agent = roles.is_agent(request.user) and agent_may_read(request.user, idea)
    is_owner = selectors.idea_is_owned_by(idea=idea, user=request.user)
    if not (is_agent or is_owner):
        raise PermissionDenied
    form = MessageForm(request.POST, allow_internal=is_agent)
    if form.is_valid():
        services.message_post(
            idea=idea,
            by=request.user,
            body=form.cleaned_data["body"],
            internal=form.cleaned_data.get("internal", False),
            key=form.cleaned_data.get("key"),
        )
        messages.success(request, _("Your message was sent."))
        return redirect("grants:agent_idea" if is_agent else "grants:idea", idea.pk)
    if is_agent:
        return render_agent_idea(request, idea, message_form=form, status=400)
    return render_idea_page(request, idea, is_owner=True, message_form=form, status=400)


@login_required
@require_POST
def budget_line_add(request, idea_id: int):
    idea = owned_idea(request, idea_id)
    return part_add(
        request,
        idea,
        BudgetLineForm(request.POST),
        lambda data: services.budget_line_add(idea=idea, by=request.user, **data),
        form_name="budget_form",
    )


def part_add(request, idea, form, add, *, form_name: str, success: str = ""):
    """Add a row to the person's own idea (a budget line, a file) from a form on its page: a
    refusal of the workflow is a conflict, a wrong value shows on the form."""
    if form.is_valid():
        try:
            add(form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, error.message)
            return render_idea_page(request, idea, is_owner=True, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if success:
                messages.success(request, success)
            return redirect("grants:idea", idea.pk)
    return render_idea_page(request, idea, is_owner=True, status=400, **{form_name: form})


@login_required
@require_POST
def budget_line_remove(request, idea_id: int, line_id: int):
    idea, line = owned_part(request, idea_id, "budget_lines", line_id)
    try:
        services.budget_line_remove(line=line, by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    return redirect("grants:idea", idea.pk)
