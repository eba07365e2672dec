"""What every visitor sees: the front page, and the past pilots like the idea being written."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
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
    shows is the same for every reader: drawn once for the round's row as it stands (its money
    is updated in place), the names of its districts (common/versions.PUBLIC), the language and
    the day."""
    round_ = selectors.public_round(round_id=round_id)
    if round_ is None:
        raise Http404
    today = timezone.localdate()
    row = repr([getattr(round_, field.attname) for field in round_._meta.concrete_fields])
    key = fragments.key(
        request,
        f"round:{round_.pk}:{fragments.digest(row)}",
        today.isoformat(),
        names=[versions.PUBLIC],
        query=False,
    )
    body, _status = fragments.kept(
        key,
        request,
        "grants/partials/round_body.html",
        lambda: (
            {
                "round": round_,
                "today": today,
                "districts": selectors.round_district_names(round_=round_),
            },
            200,
        ),
    )
    return render(request, "grants/round.html", {"round": round_, "body": body})
