"""What the pages of grants share: loading an idea, who may read it, errors of a service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from actors import roles
from common import fragments
from common.htmx import vary_on_htmx

from .. import selectors
from ..models import Idea
from ..workflow import Status, WorkflowError


def load_idea(idea_id: int) -> Idea:
    try:
        return selectors.idea_detail(idea_id=idea_id)
    except Idea.DoesNotExist as error:
        raise Http404 from error


def owned_idea(request, idea_id: int) -> Idea:
    idea = load_idea(idea_id)
    if not selectors.idea_is_owned_by(idea=idea, user=request.user):
        raise PermissionDenied
    return idea


def agent_may_read(user, idea: Idea) -> bool:
    """Agents and managers read the ideas of their districts once sent: not an unsent draft,
    not another district's idea when their work is limited to some districts."""
    return (
        roles.can_view_dashboard(user)
        and roles.in_scope(user, idea.district_id)
        and idea.status != Status.DRAFT
    )


def add_service_errors(form, error: ValidationError | WorkflowError) -> None:
    if isinstance(error, WorkflowError):
        form.add_error(None, error.message)
        return
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


def error_text(error: ValidationError | WorkflowError) -> str:
    return getattr(error, "message", None) or " ".join(error.messages)


def agent_verb(request, idea_id: int, verb, *, success: str, arguments=dict):
    """An agent's one-step action on an idea (a service verb taking the idea and its agent).
    `arguments` reads the rest of the request inside the action, so that bad input (a NUL in a
    field) is refused with its reason like any other refusal."""
    idea = load_idea(idea_id)
    return agent_action(
        request, idea, lambda: verb(idea=idea, by=request.user, **arguments()), success=success
    )


def owned_part(request, idea_id: int, parts: str, part_id: int):
    """An idea of the person's own and one of its rows (a budget line, a file), or 404."""
    idea = owned_idea(request, idea_id)
    part = getattr(idea, parts).filter(pk=part_id).first()
    if part is None:
        raise Http404
    return idea, part


def agent_action(request, idea: Idea, call, *, success: str, then: str = "grants:agent"):
    """Run one agent action on an idea: a refusal goes back to the idea page with its reason."""
    try:
        call()
    except (WorkflowError, ValidationError) as error:
        messages.error(request, error_text(error))
        return redirect("grants:agent_idea", idea.pk)
    messages.success(request, success)
    return redirect(then, idea.pk) if then == "grants:agent_idea" else redirect(then)


def with_reader_links(user, pilots: list[Idea]) -> list[Idea]:
    """Each similar pilot links to a page the reader may open: the idea's page for an agent of
    its district, its public page where its story is published, else nowhere (never a 404)."""
    for pilot in pilots:
        if agent_may_read(user, pilot):
            pilot.reader_url = reverse("grants:agent_idea", args=[pilot.pk])
        elif selectors.story_is_public(pilot):
            pilot.reader_url = reverse("reports:pilot", args=[pilot.pk])
        else:
            pilot.reader_url = ""
    return pilots


def kept_page_part(request, template: str, *, page: dict, key: str, build, forms: bool = False):
    """A part of an agent's page: alone when the page loads it (htmx), else a page of its own
    (`page`: its title, heading and way back), so that it works without JavaScript and can be
    bookmarked. The part is the same for everyone its key names: drawn once from `build()`
    (its context) and kept (common/fragments)."""
    keep = fragments.kept_with_forms if forms else fragments.kept
    html, _status = keep(key, request, template, lambda: (build(), 200))
    if request.htmx:
        return vary_on_htmx(HttpResponse(html))
    return vary_on_htmx(render(request, "grants/agent_part.html", {**page, "part_html": html}))


def dashboard_page(heading: str, *, finance: bool = False) -> dict:
    """What a part of the agent's dashboard shows around it as a page of its own; for the
    finance office (`finance`), who has no dashboard, the way back leads to the front page."""
    if finance:
        title, back_url, back_label = _("Payments"), reverse("home"), _("Back to the front page")
    else:
        title, back_url = _("Agent's dashboard"), reverse("grants:agent")
        back_label = _("Back to the dashboard")
    return {
        "page_title": title,
        "back_url": back_url,
        "back_label": back_label,
        "heading": heading,
    }
