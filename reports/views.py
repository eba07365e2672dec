from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from actors import roles
from actors.decorators import role_required
from actors.models import District
from audit import services as audit_services
from common.paging import query_without_page
from common.posted import posted_text
from common.spreadsheet import csv_response
from grants import selectors as grant_selectors

from . import selectors
from .filters import ShowcaseFilter
from .services import exports
from .themes import proposals as theme_proposals


@role_required(roles.can_view_reports)
def report_index(request):
    return render(request, "reports/index.html", {"districts": selectors.districts_overview()})


@role_required(roles.can_view_reports)
def themes(request):
    """Lessons by theme, with proposed themes for the untagged ones; agents tag them."""
    from grants import services

    if request.method == "POST":
        if not roles.is_agent(request.user):
            raise PermissionDenied
        lesson_id, theme_id = (request.POST.get(name, "") for name in ("lesson", "theme"))
        lesson = selectors.lesson_by_id(lesson_id) if lesson_id.isdigit() else None
        theme = selectors.theme_by_id(theme_id) if theme_id.isdigit() else None
        if lesson is None:
            raise Http404
        try:
            services.lesson_tag(
                lesson=lesson,
                by=request.user,
                theme=theme,
                new_theme=posted_text(request, "new_theme", 100),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The lesson is tagged."))
        return redirect("reports:themes")
    return render(
        request,
        "reports/themes.html",
        {
            "themes": selectors.themes_by_use(),
            "proposals": theme_proposals(),
        },
    )


@role_required(roles.can_view_reports)
def compare(request):
    """Districts side by side on the same figures, and the rounds over time."""
    all_districts = list(selectors.districts_by_name())
    chosen = [slug for slug in request.GET.getlist("district") if slug]
    districts = [d for d in all_districts if d.slug in chosen] if chosen else all_districts
    if chosen and len(districts) != len(set(chosen)):
        raise Http404
    return render(
        request,
        "reports/compare.html",
        {
            "all_districts": all_districts,
            "chosen": {district.slug for district in districts},
            "columns": selectors.comparison(districts=districts),
            "rounds": selectors.rounds_over_time(),
        },
    )


def _district_context(request, slug: str) -> dict:
    district = get_object_or_404(District, slug=slug)
    rounds = selectors.rounds_of(district=district)
    chosen = request.GET.get("round", "")
    round_ = rounds.filter(slug=chosen).first() if chosen else None
    if chosen and round_ is None:
        raise Http404
    return {
        "district": district,
        "rounds": rounds,
        "round": round_,
        "report": selectors.district_report(district=district, round_=round_),
        "pilots": selectors.district_pilots(district=district, round_=round_)[:100],
    }


DISTRICT_PILOTS_PAGE = 25


@role_required(roles.can_view_reports)
def district_report(request, slug: str):
    context = _district_context(request, slug)
    # On the page the pilots come a page at a time; the PDF and the CSV have them all.
    pilots = selectors.district_pilots(district=context["district"], round_=context["round"])
    page = Paginator(pilots, DISTRICT_PILOTS_PAGE).get_page(request.GET.get("page"))
    context.update(
        {"pilots": page.object_list, "page": page, "query": query_without_page(request.GET)}
    )
    return render(request, "reports/district.html", context)


@role_required(roles.can_view_reports)
def district_pdf(request, slug: str):
    """The district report as a PDF to bring to the committee meeting, in the reader's language."""
    from weasyprint import HTML

    context = _district_context(request, slug)
    html = render_to_string("reports/district_pdf.html", context, request=request)
    # Tagged as PDF/UA (ISO 14289-1): readable by screen readers, in the page's language.
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    audit_services.export_made(
        by=request.user,
        kind="district_pdf",
        obj=context["district"],
        round=context["round"].slug if context["round"] else "",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"minipilot-{context['district'].slug}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


SHOWCASE_PAGE = 25
SHOWCASE_MAX_PAGE = 10_000


def page_number(value: str | None) -> int:
    """A page number from the address; anything else is the first page, as Django's paginator
    does (a mistyped link should still show pilots)."""
    if value and value.isdigit():
        return min(max(int(value), 1), SHOWCASE_MAX_PAGE)
    return 1


def pilot_list(request):
    """The public showcase: closed pilots whose makers agreed to publish them."""
    showcase = ShowcaseFilter(request.GET, queryset=grant_selectors.showcase_pilots())
    pilots = showcase.qs if showcase.is_valid() else grant_selectors.showcase_pilots().none()
    status = 200 if showcase.is_valid() else 400
    # Newest first, a page at a time without counting them all (the count would grow with the
    # years; the page stays the same): one row more than shown says whether there is a next page.
    number = page_number(request.GET.get("page"))
    start = (number - 1) * SHOWCASE_PAGE
    rows = list(pilots[start : start + SHOWCASE_PAGE + 1])
    return render(
        request,
        "reports/pilots.html",
        {
            "pilots": rows[:SHOWCASE_PAGE],
            "has_next": len(rows) > SHOWCASE_PAGE,
            "page_number": number,
            "query": query_without_page(request.GET),
            "showcase": showcase,
        },
        status=status,
    )


def pilot_detail(request, idea_id: int):
    pilot = (
        grant_selectors.showcase_pilots()
        .prefetch_related("closing_report__lessons")
        .filter(pk=idea_id)
        .first()
    )
    if pilot is None:
        raise Http404
    return render(request, "reports/pilot_detail.html", {"pilot": pilot})


OPEN_DATA_PAGE = 1000
OPEN_DATA_MAX_PAGE = 5000


def open_data_json(request):
    """Granted pilots as JSON, a page at a time in id order: `?after=<last id>&limit=<n>`, with
    the next page's address in `next`. Each page costs the same however many pilots there are;
    the whole set at once is the CSV."""
    try:
        after = int(request.GET.get("after", "0"))
        limit = int(request.GET.get("limit", str(OPEN_DATA_PAGE)))
    except ValueError:
        return JsonResponse({"error": _("after and limit must be whole numbers.")}, status=400)
    if after < 0 or not 1 <= limit <= OPEN_DATA_MAX_PAGE:
        message = _("limit must be between 1 and %(max)d, after zero or more.") % {
            "max": OPEN_DATA_MAX_PAGE
        }
        return JsonResponse({"error": message}, status=400)
    pilots = list(selectors.open_data_pilots().filter(pk__gt=after)[: limit + 1])
    more = len(pilots) > limit
    pilots = pilots[:limit]
    next_url = None
    if more:
        next_url = request.build_absolute_uri(
            f"{request.path}?{urlencode({'after': pilots[-1].pk, 'limit': limit})}"
        )
    response = JsonResponse(
        {
            "licence": "CC BY 4.0",
            "schema": "docs/open-data.md",
            "pilots": [selectors.open_data_row(idea) for idea in pilots],
            "next": next_url,
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_data_csv(request):
    rows = (
        [
            "|".join(value) if isinstance(value, list) else value
            for value in selectors.open_data_row(idea).values()
        ]
        for idea in selectors.open_data_pilots().iterator(chunk_size=500)
    )
    return csv_response(
        filename="minipilot-pilots.csv", header=selectors.OPEN_DATA_FIELDS, rows=rows
    )


@role_required(roles.can_view_reports)
def district_export_csv(request, slug: str):
    """The district's pilots with their figures, for a spreadsheet, in the reader's language."""
    district = get_object_or_404(District, slug=slug)
    header, rows = exports.district_rows(district=district)
    audit_services.export_made(by=request.user, kind="district_csv", obj=district)
    return csv_response(filename=f"minipilot-{district.slug}.csv", header=header, rows=rows)


@role_required(roles.can_view_reports)
def district_export_start(request, slug: str):
    """Ask for the export as a file made in the background: for very large districts."""
    if request.method != "POST":
        raise Http404
    district = get_object_or_404(District, slug=slug)
    export = exports.export_request(district=district, by=request.user)
    return redirect("reports:export", export.pk)


@role_required(roles.can_view_reports)
def export_status(request, export_id: int):
    """The export's state; when ready, its download link (only for whoever asked for it)."""
    from .models import Export

    export = get_object_or_404(Export, pk=export_id, requested_by=request.user)
    if request.GET.get("download") and export.state == Export.State.READY:
        response = FileResponse(export.file.open("rb"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="minipilot-{export.district.slug}.csv"'
        )
        return response
    return render(request, "reports/export.html", {"export": export})
