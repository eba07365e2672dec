"""The resident agent's work: the queue, the follow-up, one idea with its decision, the idea
mill, bulk approval, the held (suspected spam) ideas, ideas entered for someone, introductions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from actors import roles
from actors import selectors as actor_selectors
from actors.decorators import role_required
from common import fragments, versions
from common.htmx import vary_on_htmx
from common.posted import posted

from .. import selectors, services
from ..forms import AssistedIdeaForm, DecisionForm, MessageForm
from ..models import Idea
from ..workflow import Role, Status, WorkflowError, allowed_actions
from .base import (
    add_service_errors,
    agent_action,
    agent_may_read,
    agent_verb,
    dashboard_page,
    error_text,
    kept_page_part,
    load_idea,
    with_reader_links,
)

QUEUE_PAGE_SIZE = 25


@role_required(roles.can_view_dashboard)
def agent_dashboard(request):
    """The queue (filtered by URL parameters, updated in place by htmx) and the follow-up.

    What it shows is the same for every agent with the same districts and rights: drawn once
    for the filters, the language and the minute (the waiting times), until an idea of those
    districts changes (common/versions.district_ideas) or a district, round or actor does."""
    scope = roles.district_ids_in_scope(request.user)
    is_agent = roles.is_agent(request.user)
    now = timezone.now().replace(second=0, microsecond=0)
    key = fragments.key(
        request,
        "dashboard",
        "queue" if request.htmx else "page",
        f"{int(is_agent)}{fragments.digest(repr(scope))}",
        now.isoformat(),
        names=_dashboard_versions(scope),
    )

    def build():
        queue = selectors.agent_queue(user=request.user, params=request.GET)
        valid = queue.is_valid()
        page = Paginator(queue.qs if valid else Idea.objects.none(), QUEUE_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {"queue": queue, "page": page, "now": now}
        if not request.htmx:
            counts = selectors.status_counts(user=request.user)
            context["counts"] = [
                (label, counts.get(value, 0), value) for value, label in Status.choices
            ]
            context["held"] = selectors.moderation_list(user=request.user)
        return context, 200 if valid else 400

    part = "queue" if request.htmx else "dashboard_body"
    template = f"grants/partials/{part}.html"
    body, status = fragments.kept_with_forms(key, request, template, build)
    if request.htmx:
        return vary_on_htmx(HttpResponse(body, status=status))
    # The follow-up and the money are parts of their own, loaded after the queue.
    return vary_on_htmx(
        render(request, "grants/agent_dashboard.html", {"body": body}, status=status)
    )


def _dashboard_versions(scope: list[int] | None) -> list[str]:
    districts = (
        [versions.IDEAS_ANYWHERE]
        if scope is None
        else [versions.district_ideas(pk) for pk in sorted(scope)]
    )
    # District and round names, an erased person (PUBLIC); an applicant's kind (PAST_PILOTS).
    return [*districts, versions.PUBLIC, versions.PAST_PILOTS]


@role_required(roles.can_view_dashboard)
def agent_follow_up(request):
    """The pilots an agent follows after the decision, and the messages that could not be sent:
    the same for every agent of the same districts, drawn once a day until an idea of those
    districts changes or a message fails."""
    scope = roles.district_ids_in_scope(request.user)
    today = timezone.localdate()
    key = fragments.key(
        request,
        "follow-up",
        fragments.digest(repr(scope)),
        today.isoformat(),
        names=[*_dashboard_versions(scope), versions.FAILED_MESSAGES],
    )
    return kept_page_part(
        request,
        "grants/partials/follow_up.html",
        page=dashboard_page(_("Pilots to follow up")),
        key=key,
        build=lambda: {
            "follow_up": selectors.agent_follow_up(user=request.user, today=today),
            "failed": selectors.failed_notifications(user=request.user),
        },
    )


@role_required(roles.can_view_dashboard)
def agent_idea(request, idea_id: int):
    """One idea for the agent, and the decision on it: approve, decline or ask for more."""
    if request.method != "POST":
        return _agent_idea_page(request, idea_id)
    idea = load_idea(idea_id)
    if not agent_may_read(request.user, idea):
        raise PermissionDenied
    if not roles.is_agent(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST, applicant_language=idea.created_by.language)
    if form.is_valid():
        try:
            services.once_more_if_raced(
                lambda: _decide(idea=idea, user=request.user, data=form.cleaned_data)
            )
        except (ValidationError, WorkflowError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision is saved and the applicant told."))
            return redirect("grants:agent")
    # A decision the workflow refuses is a conflict; a missing reason is bad input.
    status = 409 if form.non_field_errors() and not form.errors.get("reason") else 400
    return render_agent_idea(request, idea, form=form, status=status)


def _decide(*, idea: Idea, user, data: dict) -> None:
    decision = data["decision"]
    if decision == "approve":
        services.idea_approve(idea=idea, by=user, amount=data.get("amount"))
    elif decision == "decline":
        services.idea_decline(idea=idea, by=user, reason=data["reason"])
    else:
        services.idea_ask_info(idea=idea, by=user, question=data["reason"])


def _agent_idea_page(request, idea_id: int):
    """The idea's page, the same for every agent (and, without the decision, every manager)
    who may read it: drawn once until the idea (its time of change), its messages, budget,
    files or partners, its report, grant or payee, a name or the ready-made reasons change."""
    idea = selectors.idea_alone(idea_id=idea_id, fields=("title", "district_id", "status"))
    if idea is None:
        raise Http404
    if not agent_may_read(request.user, idea):
        raise PermissionDenied
    key = fragments.key(
        request,
        "agent-idea",
        idea_id,
        idea.updated_at.isoformat(),
        int(roles.is_agent(request.user)),
        names=[
            versions.idea_page(idea_id),
            versions.PUBLIC,
            versions.MONEY,
            versions.STAFF,
            versions.PAST_PILOTS,
            versions.REASONS,
        ],
    )
    body, _status = fragments.kept_with_forms(
        key,
        request,
        "grants/agent_idea_body.html",
        lambda: (_agent_idea_context(request, load_idea(idea_id)), 200),
    )
    return render(request, "grants/agent_idea.html", {"body": body, "idea": idea})


def render_agent_idea(request, idea, *, form=None, message_form=None, status=200):
    context = _agent_idea_context(request, idea, form=form, message_form=message_form)
    return render(request, "grants/agent_idea.html", context, status=status)


def _agent_idea_context(request, idea, *, form=None, message_form=None) -> dict:
    can_decide = roles.is_agent(request.user)
    # A held idea (suspected spam) is released or discarded before anyone decides on a grant.
    held = bool(idea.held_reason) and idea.status == Status.SUBMITTED
    # The idea mill (similar pilots, partners, earlier ideas) is loaded after the page.
    return {
        "idea": idea,
        "form": form
        or DecisionForm(
            initial={"amount": idea.amount}, applicant_language=idea.created_by.language
        ),
        "can_decide": can_decide and not held,
        "can_moderate": can_decide and held,
        "actions": allowed_actions(status=idea.status, role=Role.AGENT),
        "thread": selectors.thread_of(idea=idea, user=request.user),
        "message_form": message_form or (MessageForm(allow_internal=True) if can_decide else None),
        # Bank details: the agents who pay see them; managers do not.
        "payment": _payment_details(idea) if can_decide else None,
    }


def _payment_details(idea) -> dict | None:
    grant = getattr(idea, "grant", None)
    if grant is None or idea.applicant.kind == idea.applicant.Kind.CITY_UNIT:
        return None
    return {"grant": grant, "payee": selectors.payee_of(actor=idea.applicant)}


@role_required(roles.can_view_dashboard)
def agent_idea_mill(request, idea_id: int):
    """The idea mill of an idea: partners to suggest, similar past pilots, the applicant's earlier
    ideas. A part of the agent's idea page, loaded after it."""
    # The idea alone: its history, files and messages are on the page this part belongs to.
    idea = selectors.idea_alone(idea_id=idea_id)
    if idea is None:
        raise Http404
    if not agent_may_read(request.user, idea):
        raise PermissionDenied
    # The same for every agent of the same districts (and every such manager, without the
    # partners): drawn once until what the mill's findings depend on, the applicant's earlier
    # ideas (read as a few rows' ids and times of change) or a name changes.
    is_agent = roles.is_agent(request.user)
    scope = roles.district_ids_in_scope(request.user)
    earlier = list(selectors.earlier_pilots_of(idea=idea).values_list("pk", "updated_at"))
    key = fragments.key(
        request,
        "mill",
        idea.pk,
        f"{int(is_agent)}{fragments.digest(repr(scope))}",
        selectors.ranking_method(),
        fragments.digest(repr(earlier)),
        names=[
            versions.PAST_PILOTS,
            versions.idea_own(idea.pk),
            versions.round_ideas(idea.round_id),
            versions.PUBLIC,
        ],
    )

    def build() -> dict:
        found = selectors.idea_mill(idea=idea, with_partners=is_agent)
        return {
            "idea": idea,
            "for_agent": True,
            # Ideas of the round in the districts the agent works for only.
            "in_round": [
                other for other in found["in_round"] if scope is None or other.district_id in scope
            ],
            "ranking": selectors.ranking_method(),
            "ranking_problem": selectors.ranking_problem(),
            "earlier": found["earlier"],
            "similar": with_reader_links(request.user, found["similar"]),
            "partners": found["partners"],
        }

    page = {
        "heading": _("Idea mill"),
        "page_title": idea.title,
        "back_url": reverse("grants:agent_idea", args=[idea.pk]),
        "back_label": _("Back to the idea"),
    }
    return kept_page_part(
        request, "grants/partials/idea_mill.html", page=page, key=key, build=build, forms=True
    )


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
        services.once_more_if_raced(
            lambda: services.ideas_approve_bulk(ideas=ideas, by=request.user)
        )
    except (WorkflowError, ValidationError) as error:
        messages.error(
            request,
            _("Nothing was approved: %(reason)s") % {"reason": error_text(error)},
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
def agent_release(request, idea_id: int):
    """A held idea was not spam after all: it joins the queue."""
    return agent_verb(
        request,
        idea_id,
        services.idea_release,
        success=_("The idea joined the queue and the applicant was told."),
    )


@role_required(roles.is_agent)
@require_POST
def agent_discard_spam(request, idea_id: int):
    """A held idea is spam: out of the queue, its sender not told (no email to a spammer)."""
    return agent_verb(
        request,
        idea_id,
        services.idea_discard_spam,
        success=_("The idea was discarded as spam. Its sender was not told."),
    )


@role_required(roles.is_agent)
def agent_idea_new(request):
    """An agent enters the idea of someone who phoned or came by: no email needed."""
    form = AssistedIdeaForm(posted(request), user=None)
    scope = roles.district_ids_in_scope(request.user)
    if scope is not None:  # an agent limited to some districts enters ideas of those only
        districts = form.fields["district"]
        districts.queryset = districts.queryset.filter(pk__in=scope)
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
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The idea is submitted. Give the person this code to claim it: %(code)s")
                % {"code": idea.claim_code},
            )
            return redirect("grants:agent_idea", idea.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "grants/idea_form.html", {"form": form, "assisted": True}, status=status)


@role_required(roles.is_agent)
@require_POST
def agent_introduce(request, idea_id: int, actor_id: int):
    """Introduce the idea's makers to an organisation that could help: both get an email."""
    idea = load_idea(idea_id)
    actor = actor_selectors.actor_by_id(actor_id=actor_id)
    if actor is None:
        raise Http404
    return agent_action(
        request,
        idea,
        lambda: services.actor_introduce(idea=idea, actor=actor, by=request.user),
        success=_("Introduced: the applicant and %(name)s both got an email.")
        % {"name": actor.name},
        then="grants:agent_idea",
    )
