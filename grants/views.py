from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors import roles
from actors import services as actor_services
from minipilot.paging import query_without_page
from minipilot.spreadsheet import csv_response
from reports import selectors as report_selectors

from . import selectors, services, spam
from .forms import (
    AnswerForm,
    AssistedIdeaForm,
    AttachmentForm,
    BudgetLineForm,
    ClaimForm,
    ClosingReportForm,
    DecisionForm,
    EmailForm,
    IdeaForm,
    MessageForm,
)
from .models import AgeGroup, Idea
from .workflow import EDITABLE_STATUSES, Role, Status, WorkflowError, allowed_actions


def role_required(check):
    """Anonymous visitors go to the login page; a logged-in person without the role gets 403."""

    def decorator(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


def _load_idea(idea_id: int) -> Idea:
    try:
        return selectors.idea_detail(idea_id=idea_id)
    except Idea.DoesNotExist as error:
        raise Http404 from error


def _add_service_errors(form, error: ValidationError | WorkflowError) -> None:
    if isinstance(error, WorkflowError):
        form.add_error(None, error.message)
        return
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


def _agent_may_read(user, idea: Idea) -> bool:
    """Agents and managers read the ideas of their districts once sent: not an unsent draft,
    not another district's idea when their work is limited to some districts."""
    return (
        roles.can_view_dashboard(user)
        and roles.in_scope(user, idea.district_id)
        and idea.status != Status.DRAFT
    )


def _error_text(error: ValidationError | WorkflowError) -> str:
    return getattr(error, "message", None) or " ".join(error.messages)


def _agent_action(request, idea: Idea, call, *, success: str, then: str = "grants:agent"):
    """Run one agent action on an idea: a refusal goes back to the idea page with its reason."""
    try:
        call()
    except (WorkflowError, ValidationError) as error:
        messages.error(request, _error_text(error))
        return redirect("grants:agent_idea", idea.pk)
    messages.success(request, success)
    return redirect(then, idea.pk) if then == "grants:agent_idea" else redirect(then)


def _posted(request):
    """The submitted data, also when it is empty, so an empty form shows its errors."""
    return request.POST if request.method == "POST" else None


def posted_text(request, name: str, limit: int) -> str:
    """A free-text field read without a form: at most `limit` characters, and a NUL character
    (which the database cannot store) refused with a ValidationError, as a form would."""
    from django.core.validators import ProhibitNullCharactersValidator

    value = request.POST.get(name, "")[:limit]
    ProhibitNullCharactersValidator()(value)
    return value


def home(request):
    today = timezone.localdate()
    return render(
        request,
        "grants/home.html",
        {
            "rounds": selectors.open_rounds(today=today),
            "recent_pilots": report_selectors.showcase_pilots()[:6],
        },
    )


PENDING_IDEA = "pending_idea"
PENDING_HOLD = "pending_idea_hold"


def _hold_reason(request, form) -> str:
    """Why this submission should wait for moderation (empty when it looks fine)."""
    return spam.suspicion(
        honeypot=form.cleaned_data.get("website", ""),
        started_token=form.cleaned_data.get("started", ""),
        ip_address=request.META.get("REMOTE_ADDR"),
        user_id=request.user.pk if request.user.is_authenticated else None,
    )


def idea_create(request):
    """Anyone may write an idea; a visitor is asked for their email at the end, and what they
    typed waits in their session until they have logged in with the code sent to them."""
    if request.method == "GET":
        saved = request.session.get(PENDING_IDEA) or request.session.get(AUTOSAVED_IDEA)
        form = IdeaForm(initial=_initial_from(saved) if saved else None, user=request.user)
        return render(request, "grants/idea_form.html", {"form": form, "restored": bool(saved)})
    form = IdeaForm(request.POST, user=request.user)
    if "edit" in request.POST:
        return render(request, "grants/idea_form.html", {"form": form})
    if not form.is_valid():
        return render(request, "grants/idea_form.html", {"form": form}, status=400)
    if "preview" in request.POST:
        return _render_preview(request, form)
    submit = "save_draft" not in request.POST
    hold = _hold_reason(request, form) if submit else ""
    if not request.user.is_authenticated:
        request.session[PENDING_IDEA] = _raw_form_data(request.POST)
        request.session[PENDING_HOLD] = hold
        return redirect("grants:idea_finish")
    return _create_idea(request, form, submit=submit, hold=hold)


def _render_preview(request, form, idea=None):
    data = form.cleaned_data
    text = " ".join(data[name] for name in ("title", "need", "plan"))
    return render(
        request,
        "grants/idea_preview.html",
        {
            "form": form,
            "idea": idea,
            "data": data,
            "age_groups": [
                str(label) for value, label in AgeGroup.choices if value in data["age_groups"]
            ],
            "similar": selectors.similar_pilots(
                text=text, exclude_idea_id=idea.pk if idea else None
            ),
        },
    )


MULTI_VALUED = ("age_groups", "partners")
AUTOSAVED_IDEA = "autosaved_idea"


def _initial_from(raw: dict[str, list[str]]) -> dict:
    return {
        key: values if key in MULTI_VALUED else (values[0] if values else "")
        for key, values in raw.items()
        if key not in {"started", "website"}
    }


@require_POST
def idea_autosave(request):
    """Keep what is being typed in a new idea, so a closed tab or a lost connection loses
    nothing; the form brings it back."""
    return _keep_draft(request, AUTOSAVED_IDEA, IdeaForm)


def _keep_draft(request, key: str, form_class):
    """Keep the posted fields of a form in the session, each value at most 5,000 characters."""
    request.session[key] = {
        name: [value[:5000] for value in values]
        for name, values in _raw_form_data(request.POST).items()
        if name in form_class.base_fields
    }
    return render(request, "grants/partials/autosaved.html", {"saved_at": timezone.now()})


def _raw_form_data(data) -> dict[str, list[str]]:
    return {key: data.getlist(key) for key in data if key != "csrfmiddlewaretoken"}


def _querydict(raw: dict[str, list[str]]):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, values in raw.items():
        data.setlist(key, values)
    return data


def _create_idea(request, form, *, submit: bool, hold: str = ""):
    data = form.cleaned_data
    try:
        idea = services.idea_create(
            created_by=request.user,
            applicant=data.get("applicant"),
            partners=list(data.get("partners") or []),
            submission_key=data.get("started") or None,
            **{name: data[name] for name in Idea.EDITABLE_FIELDS},
        )
        if submit:
            services.idea_submit(idea=idea, by=request.user, hold_reason=hold)
    except services.DuplicateSubmission as duplicate:
        if not selectors.idea_is_owned_by(idea=duplicate.idea, user=request.user):
            raise PermissionDenied from None
        messages.info(request, _("This idea was already sent; here it is."))
        return redirect("grants:idea", duplicate.idea.pk)
    except (ValidationError, WorkflowError) as error:
        _add_service_errors(form, error)
        return render(request, "grants/idea_form.html", {"form": form}, status=400)
    for key in (PENDING_IDEA, PENDING_HOLD, AUTOSAVED_IDEA):
        request.session.pop(key, None)
    if submit:
        messages.success(request, _("Thank you! Your idea was sent to the resident agent."))
    else:
        messages.success(request, _("Your draft is saved."))
    return redirect("grants:idea", idea.pk)


def idea_finish(request):
    """The visitor's last step: their email, then the login code."""
    from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess

    if PENDING_IDEA not in request.session:
        return redirect("grants:idea_new")
    if request.user.is_authenticated:
        return redirect("grants:idea_resume")
    form = EmailForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        user = actor_services.user_get_or_create_for_email(
            email=form.cleaned_data["email"], language=get_language()
        )
        LoginCodeVerificationProcess.initiate(request=request, user=user, email=user.email)
        confirm = reverse("account_confirm_login_code")
        return redirect(f"{confirm}?{urlencode({'next': reverse('grants:idea_resume')})}")
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/idea_finish.html", {"form": form}, status=status)


@login_required
def idea_resume(request):
    """After the login: the idea the visitor wrote is saved and submitted as they asked."""
    raw = request.session.get(PENDING_IDEA)
    if raw is None:
        return redirect("grants:my")
    form = IdeaForm(_querydict(raw), user=request.user)
    if not form.is_valid():
        return render(request, "grants/idea_form.html", {"form": form}, status=400)
    hold = request.session.get(PENDING_HOLD, "")
    return _create_idea(request, form, submit="save_draft" not in raw, hold=hold)


@login_required
def idea_edit(request, idea_id: int):
    idea = _load_idea(idea_id)
    if not selectors.idea_is_owned_by(idea=idea, user=request.user):
        raise PermissionDenied
    if idea.status not in EDITABLE_STATUSES:
        messages.error(request, _("This idea can no longer be edited."))
        return redirect("grants:idea", idea.pk)
    form = IdeaForm(_posted(request), instance=idea, user=request.user)
    if request.method == "POST" and "edit" in request.POST:
        return render(request, "grants/idea_form.html", {"form": form, "idea": idea})
    if request.method == "POST" and "preview" in request.POST and form.is_valid():
        return _render_preview(request, form, idea)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chosen = data.get("applicant")
            if chosen is None and "applicant" in form.fields:
                chosen = actor_services.actor_resident_for_user(user=request.user)
            services.idea_update(
                idea=idea,
                by=request.user,
                applicant=chosen,
                partners=list(data.get("partners") or []),
                **{name: data[name] for name in Idea.EDITABLE_FIELDS},
            )
            if idea.status == Status.DRAFT and "save_draft" not in request.POST:
                services.idea_submit(
                    idea=idea, by=request.user, hold_reason=_hold_reason(request, form)
                )
        except (ValidationError, WorkflowError) as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("grants:idea", idea.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/idea_form.html", {"form": form, "idea": idea}, status=status)


@login_required
def my_ideas(request):
    ideas = selectors.ideas_of_user(user=request.user)
    return render(request, "grants/my.html", {"ideas": ideas})


@login_required
def idea_page(request, idea_id: int):
    idea = _load_idea(idea_id)
    is_owner = selectors.idea_is_owned_by(idea=idea, user=request.user)
    if not (is_owner or _agent_may_read(request.user, idea)):
        raise PermissionDenied
    return _render_idea_page(request, idea, is_owner=is_owner)


def _render_idea_page(
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
        },
        status=status,
    )


@login_required
@require_POST
def idea_action(request, idea_id: int, action: str):
    """The applicant's own actions: submit, answer a question, withdraw."""
    idea = _load_idea(idea_id)
    if not selectors.idea_is_owned_by(idea=idea, user=request.user):
        raise PermissionDenied
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
                return _render_idea_page(
                    request, idea, is_owner=True, answer_form=answer_form, status=400
                )
            services.idea_answer(
                idea=idea, by=request.user, answer=answer_form.cleaned_data["answer"]
            )
            messages.success(request, _("Your answer was sent to the resident agent."))
        else:
            raise Http404
    except (WorkflowError, ValidationError) as error:
        messages.error(request, _error_text(error))
        return _render_idea_page(
            request, _load_idea(idea_id), is_owner=True, answer_form=answer_form, status=409
        )
    return redirect("grants:idea", idea.pk)


REPORT_DRAFT = "report_draft:{}"


@login_required
def closing_report(request, idea_id: int):
    """The makers' closing report; what they type is kept as a draft until they send it."""
    idea = _load_idea(idea_id)
    if not selectors.idea_is_owned_by(idea=idea, user=request.user):
        raise PermissionDenied
    if idea.status not in {Status.APPROVED, Status.RUNNING, Status.REPORT_DUE}:
        messages.error(request, _("A closing report cannot be sent for this idea now."))
        return redirect("grants:idea", idea.pk)
    existing = getattr(idea, "closing_report", None)
    draft_key = REPORT_DRAFT.format(idea.pk)
    if request.method == "POST":
        form = ClosingReportForm(request.POST, request.FILES, instance=existing)
    else:
        draft = request.session.get(draft_key)
        initial = _initial_from(draft) if draft else ClosingReportForm.initial_lessons(existing)
        form = ClosingReportForm(instance=existing, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if form.cleaned_data.get("photo"):
                    services.attachment_add(
                        idea=idea, by=request.user, uploaded=form.cleaned_data["photo"]
                    )
                services.closing_report_submit(
                    idea=idea, by=request.user, lessons=form.lessons(), **form.report_fields()
                )
        except (ValidationError, WorkflowError) as error:
            _add_service_errors(form, error)
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
    idea = _owned_idea(request, idea_id)
    return _keep_draft(request, REPORT_DRAFT.format(idea.pk), ClosingReportForm)


@role_required(roles.is_agent)
@require_POST
def agent_return_report(request, idea_id: int):
    idea = _load_idea(idea_id)
    return _agent_action(
        request,
        idea,
        lambda: services.closing_report_return(
            idea=idea, by=request.user, question=posted_text(request, "question", 2000)
        ),
        success=_("The report went back to its makers with your question."),
    )


QUEUE_PAGE_SIZE = 25


@role_required(roles.can_view_dashboard)
def agent_dashboard(request):
    """The queue (filtered by URL parameters, updated in place by htmx) and the follow-up."""
    queue = selectors.agent_queue(user=request.user, params=request.GET)
    valid = queue.is_valid()
    page = Paginator(queue.qs if valid else Idea.objects.none(), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "queue": queue,
        "page": page,
        "now": timezone.now(),
        "query": query_without_page(request.GET),
    }
    status = 200 if valid else 400
    if request.headers.get("HX-Request"):
        response = render(request, "grants/partials/queue.html", context, status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response
    counts = selectors.status_counts(user=request.user)
    context.update(
        {
            "counts": [(label, counts.get(value, 0), value) for value, label in Status.choices],
            "held": selectors.moderation_list(user=request.user),
        }
    )
    # The follow-up and the money are parts of their own (below), loaded after the queue.
    response = render(request, "grants/agent_dashboard.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _part(request, template: str, context: dict):
    """A part of an agent's page: alone when the page loads it (htmx), else a page of its own,
    so that it works without JavaScript and can be bookmarked."""
    if request.headers.get("HX-Request"):
        response = render(request, template, context)
    else:
        response = render(request, "grants/agent_part.html", {**context, "part": template})
    # The same address answers a part or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _dashboard_part(request, template: str, context: dict):
    return _part(
        request,
        template,
        {
            "page_title": _("Agent's dashboard"),
            "back_url": reverse("grants:agent"),
            "back_label": _("Back to the dashboard"),
            **context,
        },
    )


@role_required(roles.can_view_dashboard)
def agent_follow_up(request):
    """The pilots an agent follows after the decision, and the messages that could not be sent."""
    return _dashboard_part(
        request,
        "grants/partials/follow_up.html",
        {
            "heading": _("Pilots to follow up"),
            "follow_up": selectors.agent_follow_up(user=request.user, today=timezone.localdate()),
            "failed": selectors.failed_notifications(user=request.user),
        },
    )


@role_required(roles.can_view_dashboard)
def agent_money(request):
    """Each round's budget, granted, paid and left, and the grants still to pay."""
    return _dashboard_part(
        request,
        "grants/partials/money.html",
        {
            "heading": _("Money"),
            "rounds": selectors.rounds_money(today=timezone.localdate()),
            "to_pay": selectors.grants_to_pay(user=request.user)[: selectors.TO_PAY_ROWS],
        },
    )


@role_required(roles.can_view_dashboard)
def agent_idea(request, idea_id: int):
    idea = _load_idea(idea_id)
    if not _agent_may_read(request.user, idea):
        raise PermissionDenied
    if request.method != "POST":
        return _render_agent_idea(request, idea)
    if not roles.is_agent(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST, applicant_language=idea.created_by.language)
    if form.is_valid():
        try:
            _decide(idea=idea, user=request.user, data=form.cleaned_data)
        except (ValidationError, WorkflowError) as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The decision is saved and the applicant told."))
            return redirect("grants:agent")
    # A decision the workflow refuses is a conflict; a missing reason is bad input.
    status = 409 if form.non_field_errors() and not form.errors.get("reason") else 400
    return _render_agent_idea(request, idea, form=form, status=status)


def _render_agent_idea(request, idea, *, form=None, message_form=None, status=200):
    can_decide = roles.is_agent(request.user)
    # The idea mill (similar pilots, partners, earlier ideas) is loaded after the page.
    return render(
        request,
        "grants/agent_idea.html",
        {
            "idea": idea,
            "form": form
            or DecisionForm(
                initial={"amount": idea.amount}, applicant_language=idea.created_by.language
            ),
            "can_decide": can_decide,
            "actions": allowed_actions(status=idea.status, role=Role.AGENT),
            "thread": selectors.thread_of(idea=idea, user=request.user),
            "message_form": message_form
            or (MessageForm(allow_internal=True) if can_decide else None),
        },
        status=status,
    )


@role_required(roles.can_view_dashboard)
def agent_idea_mill(request, idea_id: int):
    """The idea mill of an idea: partners to suggest, similar past pilots, the applicant's earlier
    ideas. A part of the agent's idea page, loaded after it."""
    # The idea alone: its history, files and messages are on the page this part belongs to.
    idea = selectors.idea_alone(idea_id=idea_id)
    if idea is None:
        raise Http404
    if not _agent_may_read(request.user, idea):
        raise PermissionDenied
    # One lookup serves both the similar pilots shown and the partners suggested from them.
    similar = selectors.similar_pilots(
        text=f"{idea.title} {idea.need} {idea.plan}",
        exclude_idea_id=idea.pk,
        limit=selectors.SIMILAR_FOR_PARTNERS,
    )
    context = {
        "idea": idea,
        "heading": _("Idea mill"),
        "page_title": idea.title,
        "back_url": reverse("grants:agent_idea", args=[idea.pk]),
        "back_label": _("Back to the idea"),
        "earlier": selectors.earlier_pilots_of(idea=idea),
        "similar": similar[: selectors.SIMILAR_SHOWN],
        "partners": selectors.suggested_partners(idea=idea, similar=similar)
        if roles.is_agent(request.user)
        else [],
    }
    return _part(request, "grants/partials/idea_mill.html", context)


def _decide(*, idea: Idea, user, data: dict) -> None:
    decision = data["decision"]
    if decision == "approve":
        services.idea_approve(idea=idea, by=user, amount=data.get("amount"))
    elif decision == "decline":
        services.idea_decline(idea=idea, by=user, reason=data["reason"])
    else:
        services.idea_ask_info(idea=idea, by=user, question=data["reason"])


@role_required(roles.is_agent)
@require_POST
def agent_close(request, idea_id: int):
    idea = _load_idea(idea_id)
    return _agent_action(
        request,
        idea,
        lambda: services.idea_close(idea=idea, by=request.user),
        success=_("The pilot is closed."),
    )


@require_POST
def similar_pilots(request):
    """Past pilots like the idea being written, for the form's side panel (htmx)."""
    text = " ".join(request.POST.get(name, "")[:4000] for name in ("title", "need", "plan"))
    exclude = request.POST.get("idea_id")
    pilots = selectors.similar_pilots(
        text=text, exclude_idea_id=int(exclude) if exclude and exclude.isdigit() else None
    )
    return render(request, "grants/partials/similar_pilots.html", {"similar": pilots})


@login_required
@require_POST
def idea_messages(request, idea_id: int):
    """Post to the idea's thread: its makers, or a resident agent (who may keep a note internal)."""
    idea = _load_idea(idea_id)
    is_agent = roles.is_agent(request.user) and _agent_may_read(request.user, idea)
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
        )
        messages.success(request, _("Your message was sent."))
        return redirect("grants:agent_idea" if is_agent else "grants:idea", idea.pk)
    if is_agent:
        return _render_agent_idea(request, idea, message_form=form, status=400)
    return _render_idea_page(request, idea, is_owner=True, message_form=form, status=400)


@role_required(roles.is_agent)
@require_POST
def agent_release(request, idea_id: int):
    idea = _load_idea(idea_id)
    return _agent_action(
        request,
        idea,
        lambda: services.idea_release(idea=idea, by=request.user),
        success=_("The idea joined the queue and the applicant was told."),
    )


@role_required(roles.is_agent)
def agent_idea_new(request):
    """An agent enters the idea of someone who phoned or came by: no email needed."""
    form = AssistedIdeaForm(_posted(request), user=None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            idea = services.idea_create_assisted(
                agent=request.user,
                person_name=data["person_name"],
                person_phone=data["person_phone"],
                partners=list(data.get("partners") or []),
                **{name: data[name] for name in Idea.EDITABLE_FIELDS},
            )
        except (ValidationError, WorkflowError) as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The idea is submitted. Give the person this code to claim it: %(code)s")
                % {"code": idea.claim_code},
            )
            return redirect("grants:agent_idea", idea.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/idea_form.html", {"form": form, "assisted": True}, status=status)


@login_required
def idea_claim(request):
    """The person an agent helped takes over their idea with the code they were given."""
    form = ClaimForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_claim(code=form.cleaned_data["code"], user=request.user)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The idea is now yours too."))
            return redirect("grants:idea", idea.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/claim.html", {"form": form}, status=status)


def _owned_idea(request, idea_id: int) -> Idea:
    idea = _load_idea(idea_id)
    if not selectors.idea_is_owned_by(idea=idea, user=request.user):
        raise PermissionDenied
    return idea


@login_required
@require_POST
def budget_line_add(request, idea_id: int):
    idea = _owned_idea(request, idea_id)
    form = BudgetLineForm(request.POST)
    if form.is_valid():
        try:
            services.budget_line_add(idea=idea, by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, error.message)
            return _render_idea_page(request, idea, is_owner=True, status=409)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            return redirect("grants:idea", idea.pk)
    return _render_idea_page(request, idea, is_owner=True, budget_form=form, status=400)


@login_required
@require_POST
def budget_line_remove(request, idea_id: int, line_id: int):
    idea = _owned_idea(request, idea_id)
    line = idea.budget_lines.filter(pk=line_id).first()
    if line is None:
        raise Http404
    try:
        services.budget_line_remove(line=line, by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    return redirect("grants:idea", idea.pk)


@login_required
@require_POST
def attachment_add(request, idea_id: int):
    idea = _owned_idea(request, idea_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(idea=idea, by=request.user, uploaded=form.cleaned_data["file"])
        except WorkflowError as error:
            messages.error(request, error.message)
            return _render_idea_page(request, idea, is_owner=True, status=409)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The file is added."))
            return redirect("grants:idea", idea.pk)
    return _render_idea_page(request, idea, is_owner=True, attachment_form=form, status=400)


@login_required
def attachment_download(request, idea_id: int, attachment_id: int):
    """Files are served only to those who may see the idea, never from a public folder."""
    from django.http import FileResponse

    idea = _load_idea(idea_id)
    allowed = selectors.idea_is_owned_by(idea=idea, user=request.user) or _agent_may_read(
        request.user, idea
    )
    if not allowed:
        raise PermissionDenied
    attachment = idea.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_remove(request, idea_id: int, attachment_id: int):
    idea = _owned_idea(request, idea_id)
    attachment = idea.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    services.attachment_remove(attachment=attachment, by=request.user)
    return redirect("grants:idea", idea.pk)


@role_required(roles.is_agent)
@require_POST
def agent_bulk_approve(request):
    """Approve the ticked ideas at once with their usual grant: all of them or none."""
    ids = [value for value in request.POST.getlist("ideas") if value.isdigit()]
    ideas = list(selectors.in_agent_scope(Idea.objects.filter(pk__in=ids), user=request.user))
    if not ideas or len(ideas) != len(set(ids)):
        messages.error(request, _("Choose ideas from the queue first."))
        return redirect("grants:agent")
    try:
        services.ideas_approve_bulk(ideas=ideas, by=request.user)
    except (WorkflowError, ValidationError) as error:
        messages.error(
            request,
            _("Nothing was approved: %(reason)s") % {"reason": _error_text(error)},
        )
        return redirect("grants:agent")
    messages.success(
        request,
        ngettext(
            "%(count)s idea approved and its makers told.",
            "%(count)s ideas approved and their makers told.",
            len(ideas),
        )
        % {"count": len(ideas)},
    )
    return redirect("grants:agent")


@role_required(roles.is_agent)
@require_POST
def grant_paid(request, grant_id: int):
    from datetime import date

    grant = selectors.grants_for_finance(user=request.user).filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    try:
        paid_on = date.fromisoformat(request.POST.get("paid_on", ""))
    except ValueError:
        messages.error(request, _("Give the payment date."))
        return redirect("grants:agent")
    try:
        services.grant_mark_paid(
            grant=grant,
            by=request.user,
            paid_on=paid_on,
            reference=posted_text(request, "reference", 100),
        )
    except (WorkflowError, ValidationError) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The payment is recorded."))
    return redirect("grants:agent")


@role_required(roles.can_view_dashboard)
def payments_csv(request):
    """Every grant with its payment for the finance office, one row per grant."""
    header = [
        _("Grant"),
        _("Pilot"),
        _("Applicant"),
        _("District"),
        _("Round"),
        _("Amount (€)"),
        _("Decided"),
        _("Payment"),
        _("Paid on"),
        _("Payment reference"),
    ]
    from audit.models import AuditEvent
    from audit.services import record as audit_record

    audit_record(request.user, AuditEvent.Action.EXPORT_MADE, None, kind="payments_csv")
    grants = selectors.grants_for_finance(user=request.user).iterator(chunk_size=500)
    rows = (
        (
            grant.pk,
            grant.idea.title,
            grant.idea.applicant.name,
            grant.idea.district.name,
            grant.round.name,
            grant.amount,
            grant.decided_at.date().isoformat(),
            grant.get_payment_state_display(),
            grant.paid_on.isoformat() if grant.paid_on else "",
            grant.payment_reference,
        )
        for grant in grants
    )
    return csv_response(filename="minipilot-grants.csv", header=header, rows=rows)


@login_required
def my_notifications(request):
    """Everything the app has sent the person, also what they switched off by email."""
    return render(
        request,
        "grants/notifications.html",
        {"notifications": selectors.notifications_of(user=request.user)},
    )


@role_required(roles.is_agent)
@require_POST
def agent_introduce(request, idea_id: int, actor_id: int):
    from actors.models import Actor

    idea = _load_idea(idea_id)
    actor = Actor.objects.filter(pk=actor_id).first()
    if actor is None:
        raise Http404
    return _agent_action(
        request,
        idea,
        lambda: services.actor_introduce(idea=idea, actor=actor, by=request.user),
        success=_("Introduced: the applicant and %(name)s both got an email.")
        % {"name": actor.name},
        then="grants:agent_idea",
    )
