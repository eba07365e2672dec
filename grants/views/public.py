"""What every visitor sees: the front page, and the past pilots like the idea being written."""

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from common import fragments, versions

from .. import selectors
from .base import with_reader_links


def home(request):
    today = timezone.localdate()
    return render(
        request,
        "grants/home.html",
        {
            "rounds": selectors.open_rounds(today=today),
            "recent_pilots": selectors.showcase_pilots()[:6],
        },
    )


@require_POST
def similar_pilots(request):
    """Past pilots like the idea being written, for the form's side panel (htmx)."""
    text = " ".join(request.POST.get(name, "")[:4000] for name in ("title", "need", "plan"))
    exclude = request.POST.get("idea_id")
    pilots = selectors.similar_pilots(
        text=text, exclude_idea_id=int(exclude) if exclude and exclude.isdigit() else None
    )
    return render(
        request,
        "grants/partials/similar_pilots.html",
        {"similar": with_reader_links(request.user, pilots)},
    )


def round_page(request, round_id: int):
    """A round for everyone: its rules, dates, districts and the money still available. What it
    shows is the same for every reader: drawn once for the round, the language and the day,
    until the round, its money or the names of its districts change (common/versions)."""
    today = timezone.localdate()
    key = fragments.key(
        request,
        "round",
        round_id,
        today.isoformat(),
        names=[versions.PUBLIC, versions.MONEY],
        query=False,
    )

    def build() -> dict:
        round_ = selectors.public_round(round_id=round_id)
        if round_ is None:
            raise Http404
        context = {
            "round": round_,
            "today": today,
            "districts": selectors.round_district_names(round_=round_),
        }
        body = render_to_string("grants/partials/round_body.html", context, request=request)
        return {"name": round_.name, "body": body}

    page = fragments.remembered(key, build)
    return render(
        request,
        "grants/round.html",
        {"round": {"name": page["name"]}, "body": mark_safe(page["body"])},  # noqa: S308 - our own template's output
    )
