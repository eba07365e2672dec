from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from actors import roles
from actors.decorators import role_required
from actors.models import District
from audit import services as audit_services
from common import fragments, versions
from common.posted import posted_text
from common.spreadsheet import csv_response, xlsx_response
from grants import selectors as grant_selectors

from . import charts, dcat, giving360, page_cache, selectors
from .filters import ShowcaseFilter
from .forms import CityDecisionForm
from .services import exports, open_data
from .themes import proposals as theme_proposals

SCHEMA_FILE = Path(__file__).parent / "schemas" / "pilots.schema.json"


@role_required(roles.can_view_reports)
def report_index(request):
    return render(request, "reports/index.html", {"districts": selectors.districts_overview()})


THEME_ACTIONS = ("accept", "accept_group", "tag", "create", "rename", "merge", "retire", "refresh")


@role_required(roles.can_view_themes)
def themes(request):
    """Lessons by theme, and themes proposed for the untagged ones; agents and managers accept,
    rename, merge, create and retire themes."""
    if request.method == "POST":
        if not roles.can_curate_themes(request.user):
            raise PermissionDenied
        action = request.POST.get("action", "tag")
        if action not in THEME_ACTIONS:
            raise Http404
        try:
            message = _theme_action(request, action)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect("reports:themes")
    by_meaning = grant_selectors.ranking_method() == "meaning"
    return render(
        request,
        "reports/themes.html",
        {
            "themes": selectors.themes_by_use(),
            "by_meaning": by_meaning,
            "proposals": selectors.theme_proposals() if by_meaning else theme_proposals(),
            "groups": selectors.theme_proposal_groups() if by_meaning else [],
            "can_curate": roles.can_curate_themes(request.user),
        },
    )


def _posted_id(request, name: str, find):
    value = request.POST.get(name, "")
    found = find(value) if value.isdigit() else None
    if found is None and name != "theme":
        raise Http404
    return found


def _names(request) -> dict:
    return {field: posted_text(request, field, 100) for field in ("name", "name_sv", "name_en")}


def _names_described(request) -> dict:
    return {**_names(request), "description": posted_text(request, "description", 300)}


def _theme_action(request, action: str) -> str:
    from grants import services

    by = request.user
    if action == "accept":
        lesson = _posted_id(request, "lesson", selectors.lesson_by_id)
        services.proposal_accept(lesson=lesson, by=by)
        return _("The lesson is tagged.")
    if action == "accept_group":
        group = request.POST.get("group", "")
        services.proposal_group_accept(
            group=int(group) if group.isdigit() else 0, by=by, **_names(request)
        )
        return _("The lessons of the group are tagged.")
    if action == "tag":
        lesson = _posted_id(request, "lesson", selectors.lesson_by_id)
        theme = _posted_id(request, "theme", selectors.theme_by_id)
        services.lesson_tag(
            lesson=lesson, by=by, theme=theme, new_theme=posted_text(request, "new_theme", 100)
        )
        return _("The lesson is tagged.")
    if action == "create":
        services.theme_create(by=by, **_names_described(request))
        return _("The theme is created.")
    if action == "refresh":
        services.theme_proposals_refresh()
        return _("The proposals are made again.")
    theme = _posted_id(request, "theme_id", selectors.theme_by_id)
    if action == "rename":
        services.theme_rename(theme=theme, by=by, **_names_described(request))
        return _("The theme is renamed.")
    if action == "merge":
        into = _posted_id(request, "into", selectors.theme_by_id)
        services.themes_merge(theme=theme, into=into, by=by)
        return _("The themes are merged.")
    services.theme_retire(theme=theme, by=by)
    return _("The theme is retired.")


@role_required(roles.can_view_reports)
def compare(request):
    """Districts side by side on the same figures, and the rounds over time."""
    chosen = [slug for slug in request.GET.getlist("district") if slug]
    scope_slug = request.GET.get("in", "")

    def build():
        # The districts and rounds to choose from, read only when the body is made (a kept
        # body is found by the choice as asked; an unknown district or round is never kept).
        all_districts = list(selectors.districts_by_name())
        all_rounds = selectors.rounds_by_date()
        districts = [d for d in all_districts if d.slug in chosen] if chosen else all_districts
        if chosen and len(districts) != len(set(chosen)):
            raise Http404
        pair = _rounds_pair(request, all_rounds)
        scope = next((d for d in all_districts if d.slug == scope_slug), None)
        if scope_slug and scope is None:
            raise Http404
        over_time = selectors.rounds_over_time(rounds=all_rounds)
        return {
            "all_districts": all_districts,
            "chosen": {district.slug for district in districts},
            "columns": selectors.comparison(districts=districts),
            "rounds": over_time,
            "rounds_chart": charts.rounds_series(over_time, titled=False),
            "all_rounds": all_rounds,
            "pair": pair,
            "scope": scope,
            "sides": selectors.rounds_side_by_side(rounds=pair, district=scope) if pair else [],
            "side_charts": selectors.SIDE_BY_SIDE_CHARTS,
        }

    if settings.REPORT_FIGURES_MAX_AGE <= 0:  # figures computed live: nothing to keep
        body = render_to_string("reports/partials/compare_body.html", build(), request=request)
    else:
        choice = [
            *(f"district:{slug}" for slug in chosen),
            f"first:{request.GET.get('first', '')}",
            f"second:{request.GET.get('second', '')}",
            f"in:{scope_slug}",
        ]
        body = page_cache.comparison_body(request, choice, build)
    return render(request, "reports/compare.html", {"body": mark_safe(body)})  # noqa: S308 - our own template's output


def _rounds_pair(request, all_rounds: list) -> list:
    """The two rounds to set side by side: those chosen (`first`, `second`), else the two
    latest; an unknown round is a 404, as an unknown district is."""
    by_slug = {round_.slug: round_ for round_ in all_rounds}
    chosen = [request.GET.get("first", ""), request.GET.get("second", "")]
    if any(slug and slug not in by_slug for slug in chosen):
        raise Http404
    latest = all_rounds[:2][::-1]  # the older first
    pair = [by_slug[slug] if slug else None for slug in chosen]
    if len(latest) < 2:
        return []
    return [pair[0] or latest[0], pair[1] or latest[1]]


def _district_scope(request, slug: str, district: District | None = None) -> dict:
    """The district, its rounds and the round chosen (404 for a round not of the district)."""
    district = district or get_object_or_404(District, slug=slug)
    rounds = list(selectors.rounds_of(district=district))
    chosen = request.GET.get("round", "")
    # A slug is short and plain; anything else (a NUL byte the database cannot compare) is
    # no round of this district.
    if len(chosen) > 100 or "\x00" in chosen:
        raise Http404
    round_ = next((option for option in rounds if option.slug == chosen), None)
    if chosen and round_ is None:
        raise Http404
    return {
        "district": district,
        "rounds": rounds,
        "round": round_,
        "can_decide": roles.can_record_city_decisions(request.user),
    }


def _district_context(request, slug: str) -> dict:
    context = _district_scope(request, slug)
    district, round_ = context["district"], context["round"]
    context["report"] = selectors.district_report(
        district=district, round_=round_, rounds=context["rounds"]
    )
    context["pilots"] = selectors.district_pilots(district=district, round_=round_)[:100]
    return context


DISTRICT_PILOTS_PAGE = 25


@role_required(roles.can_view_reports)
def district_report(request, slug: str):
    """A district's learning report. The whole of it is the same for every reader with the same
    rights: drawn once for the round and page asked, the language, the figures' refresh and
    until an idea of the district, a name or an actor changes (common/versions)."""
    district = get_object_or_404(District, slug=slug)
    can_decide = roles.can_record_city_decisions(request.user)
    key = fragments.key(
        request,
        f"district-page:{district.pk}:{int(can_decide)}",
        names=[
            versions.FIGURES,
            versions.PUBLIC,
            versions.PAST_PILOTS,
            versions.district_ideas(district.pk),
        ],
    )

    def build():
        context = _district_scope(request, slug, district=district)
        round_ = context["round"]
        context["report"] = selectors.district_summary(district=district, round_=round_)

        def build_body() -> dict:
            report = selectors.district_report(
                district=district, round_=round_, rounds=context["rounds"]
            )
            return {**context, "report": report}

        context["body"] = page_cache.district_body(
            request,
            district_id=district.pk,
            round_id=round_.pk if round_ else None,
            can_decide=context["can_decide"],
            build=build_body,
        )
        # On the page the pilots come a page at a time; the PDF and the CSV have them all.
        pilots = selectors.district_pilots(district=district, round_=round_)
        page = Paginator(pilots, DISTRICT_PILOTS_PAGE).get_page(request.GET.get("page"))
        context.update({"pilots": page.object_list, "page": page})
        return context, 200

    page_body, status = fragments.kept_with_forms(
        key, request, "reports/partials/district_page.html", build
    )
    return render(
        request,
        "reports/district.html",
        {"district": district, "page_body": page_body},
        status=status,
    )


@role_required(roles.can_record_city_decisions)
def city_decision(request, idea_id: int):
    """The city's decision on a reported or closed pilot: what becomes of it, who owns it, what it
    costs and when to look again."""
    from grants import services

    if request.method != "POST":
        return _city_decision_page(request, idea_id)
    pilot = get_object_or_404(selectors.decidable_pilots(), pk=idea_id)
    form = _city_decision_form(pilot, request.POST)
    if form.is_valid():
        try:
            services.city_decision_record(idea=pilot, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)  # each field's problem beside its field
        else:
            messages.success(request, _("The city's decision is recorded."))
            return redirect("reports:district", slug=pilot.district.slug)
    context = {"pilot": pilot, "form": form, "current": getattr(pilot, "city_decision", None)}
    return render(request, "reports/city_decision.html", context, status=400)


def _city_decision_form(pilot, data=None) -> CityDecisionForm:
    current = getattr(pilot, "city_decision", None)
    initial = {}
    if current is not None:
        initial = {
            field: getattr(current, field)
            for field in ("outcome", "reason", "unit", "owner", "yearly_cost", "funding_line")
        }
        initial["follow_up_on"] = current.follow_up_on
        initial["spread_to"] = list(current.spread_to.all())
    owners = grant_selectors.decision_owners()
    return CityDecisionForm(data, initial=initial, owners=owners, district=pilot.district)


def _city_decision_page(request, idea_id: int):
    """The form with the pilot's report and the decision so far, the same for everyone who
    records decisions: drawn once until the district's pilots, a name or the staff change."""
    # The pilot's title and district, kept as long as the public pilots are (a past pilot's
    # save, report or removal bumps `PUBLIC`).
    row = fragments.remembered(
        fragments.key(request, "decidable", idea_id, query=False, names=[versions.PUBLIC]),
        lambda: (
            selectors.decidable_pilots().filter(pk=idea_id).values("title", "district_id").first()
            or {}
        ),
    )
    if not row:
        raise Http404
    key = fragments.key(
        request,
        "city-decision",
        idea_id,
        names=[versions.district_ideas(row["district_id"]), versions.STAFF, versions.PUBLIC],
    )

    def build():
        pilot = selectors.decidable_pilots().get(pk=idea_id)
        current = getattr(pilot, "city_decision", None)
        return {"pilot": pilot, "form": _city_decision_form(pilot), "current": current}, 200

    body, _status = fragments.kept_with_forms(
        key, request, "reports/city_decision_body.html", build
    )
    return render(request, "reports/city_decision.html", {"body": body, "pilot": row})


SIMILAR_ELSEWHERE = 5


@role_required(roles.can_view_reports)
def district_pilot_similar(request, slug: str, idea_id: int):
    """The pilots most like one of the district's pilots, in any district, with their lessons:
    whether others tried the same, and what they learned (the same lookup as the idea mill's)."""
    from grants.views.base import with_reader_links

    district = get_object_or_404(District, slug=slug)
    pilot = get_object_or_404(selectors.district_pilots(district=district), pk=idea_id)
    question = grant_selectors.question_for(
        text=f"{pilot.title} {pilot.need} {pilot.plan}", idea_id=pilot.pk
    )
    similar = grant_selectors.similar_pilots(
        question=question, exclude_idea_id=pilot.pk, limit=SIMILAR_ELSEWHERE
    )
    return render(
        request,
        "reports/similar.html",
        {
            "district": district,
            "pilot": pilot,
            "similar": with_reader_links(request.user, similar),
            "ranking": grant_selectors.ranking_method(),
        },
    )


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
    """The public showcase: closed pilots whose makers agreed to publish them. The list is the
    same for every reader of the same filters and page: rendered once until the published
    pilots change (reports/page_cache.py)."""

    def build():
        showcase = ShowcaseFilter(request.GET, queryset=grant_selectors.showcase_pilots())
        valid = showcase.is_valid()
        pilots = showcase.qs if valid else grant_selectors.showcase_pilots().none()
        # Newest first, a page at a time without counting them all (the count would grow with
        # the years; the page stays the same): one row more than shown says whether there is
        # a next page.
        number = page_number(request.GET.get("page"))
        start = (number - 1) * SHOWCASE_PAGE
        rows = list(selectors.showcase_cards(pilots)[start : start + SHOWCASE_PAGE + 1])
        context = {
            "pilots": rows[:SHOWCASE_PAGE],
            "has_next": len(rows) > SHOWCASE_PAGE,
            "page_number": number,
            "filtered": any(key != "page" for key in request.GET),
            "showcase": showcase,
            "searched": bool(valid and showcase.form.cleaned_data.get("q")),
        }
        return context, 200 if valid else 400

    body, status = page_cache.body(request, build)
    return render(request, "reports/pilots.html", {"body": mark_safe(body)}, status=status)  # noqa: S308 - our own template's output


def pilot_photo(request, idea_id: int):
    """The photo of a published pilot, where its makers allowed it to be shown (a file of the
    idea, served to anyone only then)."""
    photo = grant_selectors.showcase_photo(idea_id=idea_id)
    if photo is None:
        raise Http404
    etag = f'"photo-{photo.pk}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pilot_detail(request, idea_id: int):
    pilot = (
        grant_selectors.showcase_pilots()
        .prefetch_related("closing_report__lessons")
        .filter(pk=idea_id)
        .first()
    )
    if pilot is None:
        raise Http404
    return render(
        request,
        "reports/pilot_detail.html",
        {"pilot": pilot, "repeats": grant_selectors.repeats_of(pilot=pilot)},
    )


OPEN_DATA_PAGE = 1000
OPEN_DATA_MAX_PAGE = 5000


def _prepared(request, entry: dict, manifest: dict, *, filename: str | None = None):
    """A prepared open-data file: gzipped where the reader accepts it, 304 where the reader
    has it already."""
    # In whole seconds, as the headers say it.
    built_at = int(datetime.fromisoformat(manifest["built_at"]).timestamp())
    etag = f'"{entry["etag"]}"'
    response = get_conditional_response(request, etag=etag, last_modified=built_at)
    if response is None:
        gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
        response = FileResponse(
            open_data.open_file(entry, gzipped=gzipped), content_type=entry["content_type"]
        )
        if gzipped:
            response["Content-Encoding"] = "gzip"
        else:
            response["Content-Length"] = str(entry["size"])
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(built_at)
    response["Cache-Control"] = f"public, max-age={open_data.MAX_AGE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _open_data_manifest() -> dict | None:
    manifest = open_data.current()
    if manifest is None:
        open_data.ask_prepare()
    return manifest


def open_data_json(request):
    """Granted pilots as JSON, a page at a time in id order: `?after=<last id>&limit=<n>`, with
    the next page's address in `next`. The pages of the default size are prepared files
    (reports/services/open_data.py); the whole set at once is the CSV."""
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
    manifest = _open_data_manifest() if limit == open_data.PAGE else None
    if manifest is not None and str(after) in manifest["pages"]:
        return _prepared(request, manifest["pages"][str(after)], manifest)
    pilots = list(selectors.open_data_pilots().filter(pk__gt=after)[: limit + 1])
    more = len(pilots) > limit
    response = JsonResponse(
        open_data.json_page(pilots[:limit], path=request.path, limit=limit, more=more)
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_data_360giving(request):
    """Every grant as a 360Giving package (reports/giving360.py): the prepared file, or streamed
    as it is written where none is prepared yet."""
    manifest = _open_data_manifest()
    if manifest is not None:
        return _prepared(request, manifest["files"]["360giving"], manifest)
    source = open_data.absolute(request.path)
    ideas = selectors.open_data_pilots().filter(grant__isnull=False)
    response = StreamingHttpResponse(
        giving360.package_chunks(ideas, source=source), content_type="application/json"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_data_csv(request):
    manifest = _open_data_manifest()
    # A table has no room for its licence: the headers say it, as the catalogue does.
    schema = open_data.absolute(reverse("reports:open_data_schema"))
    link = f'<{giving360.LICENCE_URL}>; rel="license", <{schema}>; rel="describedby"'
    if manifest is not None:
        response = _prepared(
            request, manifest["files"]["csv"], manifest, filename="minipilot-pilots.csv"
        )
    else:
        response = StreamingHttpResponse(
            open_data.csv_lines(selectors.open_data_pilots()),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="minipilot-pilots.csv"'
        response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = link
    return response


def open_data_catalog(request):
    """The DCAT description of the open data, for a national portal (reports/dcat.py)."""
    response = JsonResponse(
        dcat.catalog(request.build_absolute_uri),
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_data_schema(request):
    """The JSON Schema of a page of /open-data/pilots.json."""
    response = HttpResponse(SCHEMA_FILE.read_bytes(), content_type="application/schema+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@role_required(roles.can_view_reports)
def district_export_csv(request, slug: str):
    """The district's pilots with their figures, for a spreadsheet, in the reader's language."""
    district = get_object_or_404(District, slug=slug)
    header, rows = exports.district_rows(district=district)
    audit_services.export_made(by=request.user, kind="district_csv", obj=district)
    return csv_response(filename=f"minipilot-{district.slug}.csv", header=header, rows=rows)


@role_required(roles.can_view_reports)
def district_export_xlsx(request, slug: str):
    """The same table as an XLSX workbook, for spreadsheets set to Finnish."""
    district = get_object_or_404(District, slug=slug)
    header, rows = exports.district_rows(district=district)
    audit_services.export_made(by=request.user, kind="district_xlsx", obj=district)
    return xlsx_response(filename=f"minipilot-{district.slug}.xlsx", header=header, rows=rows)


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
