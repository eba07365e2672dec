from django.http import Http404
from django.shortcuts import get_object_or_404, render

from actors import roles
from actors.models import District
from grants.models import Idea
from grants.views import role_required

from . import selectors


@role_required(roles.can_view_reports)
def report_index(request):
    return render(request, "reports/index.html", {"districts": selectors.districts_overview()})


@role_required(roles.can_view_reports)
def district_report(request, slug: str):
    district = get_object_or_404(District, slug=slug)
    rounds = selectors.rounds_of(district=district)
    chosen = request.GET.get("round", "")
    round_ = rounds.filter(slug=chosen).first() if chosen else None
    if chosen and round_ is None:
        raise Http404
    return render(
        request,
        "reports/district.html",
        {
            "district": district,
            "rounds": rounds,
            "round": round_,
            "report": selectors.district_report(district=district, round_=round_),
            "pilots": selectors.district_pilots(district=district, round_=round_)[:100],
        },
    )


def pilot_list(request):
    return render(request, "reports/pilots.html", {"pilots": selectors.public_pilots()})


def pilot_detail(request, idea_id: int):
    try:
        pilot = selectors.public_pilot(idea_id=idea_id)
    except Idea.DoesNotExist as error:
        raise Http404 from error
    return render(request, "reports/pilot_detail.html", {"pilot": pilot})
