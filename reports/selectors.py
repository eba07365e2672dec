"""Reads for district learning reports and the public showcase.

The figures come from reports/figures.py (computed for every district and round at once and
stored); the lists (candidates, failures, lessons, the showcase) are read here with a limit, so
each page runs a fixed number of queries however many pilots there are.
"""

from collections import Counter

from django.db.models import Count, F, Prefetch, Q, QuerySet

from actors.models import Actor, District
from grants.models import ClosingReport, Grant, Idea, Lesson, Round, Theme
from grants.selectors import granted_pilots, showcase_pilots, similar_pilots, story_is_public
from grants.workflow import GRANTED_STATUSES, PAST_STATUSES

from . import charts
from .services import figures

PERMANENT_CANDIDATES = (ClosingReport.Continuation.PERMANENT, ClosingReport.Continuation.WITH_CITY)
# What a committee reads: the strongest candidates, the latest failures and lessons.
LIST_LIMIT = 10
LESSON_LIMIT = 40


def districts_overview() -> QuerySet[District]:
    return District.objects.annotate(
        pilots=Count("ideas", filter=Q(ideas__status__in=GRANTED_STATUSES)),
    ).order_by("name")


def rounds_of(*, district: District) -> QuerySet[Round]:
    return Round.objects.filter(districts=district).order_by("-opens_on")


def district_summary(*, district: District, round_: Round | None = None) -> dict:
    """The stored figures of a district's report alone (what the page's heading says)."""
    return figures.present(figures.for_district(district.pk, round_.pk if round_ else None))


def district_report(
    *,
    district: District,
    round_: Round | None = None,
    rounds: list[Round] | None = None,
    summary: dict | None = None,
) -> dict:
    """Every figure of a district's learning report, for one round or all of them: the stored
    figures (reports/figures.py) and the lists of candidates, failures and lessons."""
    report = summary if summary is not None else district_summary(district=district, round_=round_)
    # The reports by their own district: each list comes in order from an index, however many
    # pilots the district has had.
    scope = {"district": district}
    if round_ is not None:
        scope["idea__round"] = round_
    reports = ClosingReport.objects.filter(**scope)
    report["candidates"] = permanent_candidates(reports)
    report["travelled"] = travelled(district=district, round_=round_)
    report["failures"] = failures(reports)
    report["lessons"] = lessons_of(
        Lesson.objects.filter(**{f"report__{name}": value for name, value in scope.items()})
    )
    report["lesson_highlights"] = highlights(report["lessons"])
    over_time = rounds_over_time(district=district, rounds=rounds)
    report["charts"] = charts.report_charts(
        report,
        target_days=target_days(round_=round_, rounds=[row["round"] for row in over_time]),
        rounds=None if round_ is not None else over_time,
    )
    return report


DEFAULT_TARGET_DAYS = 7


def target_days(*, round_: Round | None, rounds: list[Round]) -> int:
    """The decision target a report's decision times are drawn against: the round's, or over
    all rounds the latest round's."""
    if round_ is not None:
        return round_.decision_target_days
    latest = max(rounds, key=lambda r: (r.opens_on, r.pk), default=None)
    return latest.decision_target_days if latest else DEFAULT_TARGET_DAYS


def actor_network(pilots: QuerySet[Idea]) -> dict:
    """Which kinds of actors ran pilots, and with whom: counts by kind, the kind-to-kind edges
    between applicants and partners, cross-sector partnerships and intergenerational pilots."""
    kinds = dict(
        pilots.values("applicant__kind").annotate(n=Count("id")).values_list("applicant__kind", "n")
    )
    edges = Counter(
        {
            (applicant_kind, partner_kind): n
            for applicant_kind, partner_kind, n in pilots.filter(partners__isnull=False)
            .values("applicant__kind", "partners__kind")
            .annotate(n=Count("id"))
            .values_list("applicant__kind", "partners__kind", "n")
        }
    )
    cross_sector = (
        pilots.filter(partners__isnull=False)
        .exclude(partners__kind=F("applicant__kind"))
        .values("id")
        .distinct()
        .count()
    )
    young = Q(age_groups__icontains='"children"') | Q(age_groups__icontains='"youth"')
    intergenerational = pilots.filter(young, age_groups__icontains='"elderly"').count()
    labels = dict(Actor.Kind.choices)
    return {
        "kinds": [(labels[kind], kinds.get(kind, 0)) for kind in Actor.Kind.values],
        "edges": [
            (labels[a], labels[b], n) for (a, b), n in sorted(edges.items(), key=lambda e: -e[1])
        ],
        "cross_sector": cross_sector,
        "intergenerational": intergenerational,
    }


def permanent_candidates(reports: QuerySet[ClosingReport]) -> QuerySet[ClosingReport]:
    """Pilots whose makers say they should continue with the city or become a service: the
    evidence and the cost on one line each, for budget planning."""
    return (
        reports.filter(continuation__in=PERMANENT_CANDIDATES)
        .select_related("idea__grant", "idea__applicant", "idea__city_decision")
        .prefetch_related("lessons")
        .order_by("-usefulness", "-submitted_at")[:LIST_LIMIT]
    )


def failures(reports: QuerySet[ClosingReport]) -> QuerySet[ClosingReport]:
    """What did not work, and what it taught: shown on its own, not hidden."""
    return (
        reports.exclude(what_did_not_work="")
        .select_related("idea")
        .prefetch_related("lessons")
        .order_by("-submitted_at")[:LIST_LIMIT]
    )


def lessons_of(lessons: QuerySet[Lesson]) -> list[tuple[str, list[Lesson]]]:
    """The lessons grouped by theme, the largest theme first; untagged ones last."""
    # Into a list (to_attr): a prefetch into the manager builds a queryset for every lesson.
    lessons = (
        lessons.select_related("report__idea")
        .prefetch_related(Prefetch("themes", to_attr="theme_list"))
        .order_by("-report__submitted_at", "position")[:LESSON_LIMIT]
    )
    groups: dict[str, list[Lesson]] = {}
    for lesson in lessons:
        for name in [theme.name for theme in lesson.theme_list] or [""]:
            groups.setdefault(name, []).append(lesson)
    return sorted(groups.items(), key=lambda group: (group[0] == "", -len(group[1]), group[0]))


HIGHLIGHTS = 3


def highlights(groups: list[tuple[str, list[Lesson]]]) -> list[Lesson]:
    """Three lessons for a summary: the newest of the largest themes first, one a theme, then
    the next ones."""
    chosen: list[Lesson] = []
    for _theme, lessons in groups:
        if lessons[0] not in chosen:
            chosen.append(lessons[0])
    for _theme, lessons in groups:
        chosen += [lesson for lesson in lessons if lesson not in chosen]
    return chosen[:HIGHLIGHTS]


def district_pilots(*, district: District, round_: Round | None = None) -> QuerySet[Idea]:
    pilots = granted_pilots(district=district)
    return pilots if round_ is None else pilots.filter(round=round_)


SEARCH_LIMIT = 50
SEARCH_WORDS = 5


def showcase_matches(text: str) -> list[int]:
    """The published pilots a search finds, best first: those most like its words by meaning
    (the similar pilots' ranking, across languages), those of them that also use the words
    first, then the other pilots that use every word (in the title, the need, the plan, what
    happened or a lesson)."""
    text = " ".join(text.split())[:200]
    if not text:
        return []
    by_meaning = [
        pilot.pk
        for pilot in similar_pilots(
            text=text, limit=SEARCH_LIMIT, statuses=PAST_STATUSES, closing_report__publish=True
        )
    ]
    words = [word for word in text.split() if len(word) >= 3][:SEARCH_WORDS]
    by_words: list[int] = []
    if words:
        found = showcase_pilots()
        for word in words:
            found = found.filter(
                Q(title__icontains=word)
                | Q(need__icontains=word)
                | Q(plan__icontains=word)
                | Q(closing_report__what_happened__icontains=word)
                | Q(closing_report__lessons__text__icontains=word)
            )
        by_words = list(dict.fromkeys(found.values_list("pk", flat=True)[: SEARCH_LIMIT * 5]))
    both = [pk for pk in by_meaning if pk in set(by_words)]
    rest = [pk for pk in by_meaning + by_words if pk not in set(both)]
    return list(dict.fromkeys(both + rest))[:SEARCH_LIMIT]


def showcase_cards(pilots: QuerySet[Idea]) -> QuerySet[Idea]:
    """The showcase's pilots with what a card shows: the first lesson."""
    return pilots.prefetch_related(
        Prefetch(
            "closing_report__lessons",
            queryset=Lesson.objects.order_by("position"),
            to_attr="lesson_list",
        )
    )


def public_pilots() -> QuerySet[Idea]:
    return granted_pilots()


def public_pilot(*, idea_id: int) -> Idea:
    return granted_pilots().prefetch_related("closing_report__lessons").get(pk=idea_id)


def open_data_pilots() -> QuerySet[Idea]:
    """Every granted pilot, for the open data: figures for all, words only where published."""
    return (
        Idea.objects.filter(status__in=GRANTED_STATUSES)
        .select_related("district", "round", "applicant", "grant", "closing_report")
        .prefetch_related("closing_report__lessons")
        .order_by("id")
    )


OPEN_DATA_FIELDS = [
    "id",
    "district",
    "round",
    "applicant_kind",
    "age_groups",
    "starts_on",
    "ends_on",
    "status",
    "grant_eur",
    "grant_paid",
    "decision_days",
    "actual_cost_eur",
    "participants_children",
    "participants_youth",
    "participants_adults",
    "participants_elderly",
    "novelty",
    "change",
    "usefulness",
    "continuation",
    "published",
    "title",
    "lessons",
]


def open_data_row(idea: Idea) -> dict:
    """One pilot as open data: no names, emails or phone numbers; the title and lessons only
    where the makers agreed to publish."""
    report = getattr(idea, "closing_report", None)
    grant = getattr(idea, "grant", None)
    published = story_is_public(idea)
    decided = idea.decided_at and idea.submitted_at
    return {
        "id": idea.pk,
        "district": idea.district.slug,
        "round": idea.round.slug,
        "applicant_kind": idea.applicant.kind,
        "age_groups": list(idea.age_groups),
        "starts_on": idea.starts_on.isoformat(),
        "ends_on": idea.ends_on.isoformat(),
        "status": idea.status,
        "grant_eur": str(grant.amount) if grant else None,
        "grant_paid": bool(grant and grant.payment_state == Grant.Payment.PAID),
        "decision_days": round((idea.decided_at - idea.submitted_at).total_seconds() / 86400, 1)
        if decided
        else None,
        "actual_cost_eur": str(report.actual_cost) if report else None,
        "participants_children": report.participants_children if report else None,
        "participants_youth": report.participants_youth if report else None,
        "participants_adults": report.participants_adults if report else None,
        "participants_elderly": report.participants_elderly if report else None,
        "novelty": report.novelty if report else None,
        "change": report.change if report else None,
        "usefulness": report.usefulness if report else None,
        "continuation": report.continuation if report else None,
        "published": published,
        "title": idea.title if published else None,
        "lessons": [lesson.text for lesson in report.lessons.all()] if published else [],
    }


def comparison(*, districts: list[District]) -> list[dict]:
    """The same figures for several districts, side by side (read from the stored figures)."""
    keys = [figures.key_of(district.pk, None) for district in districts]
    found = figures.for_keys(keys)
    return [
        {"district": district, "report": figures.present(found[key])}
        for district, key in zip(districts, keys, strict=True)
    ]


def rounds_over_time(
    *, district: District | None = None, rounds: list[Round] | None = None
) -> list[dict]:
    """Each round's figures, oldest first, for one district (its rounds, where the caller has
    them already) or all of them."""
    if rounds is None:
        found = Round.objects.all()
        rounds = list(found.filter(districts=district) if district else found)
    rounds = sorted(rounds, key=lambda round_: (round_.opens_on, round_.pk))
    district_id = district.pk if district else None
    keys = [figures.key_of(district_id, round_.pk) for round_ in rounds]
    found = figures.for_keys(keys)
    rows = []
    for round_, key in zip(rounds, keys, strict=True):
        report = figures.present(found[key])
        rows.append(
            {
                "round": round_,
                "ideas": report["idea_count"],
                "pilots": report["pilot_count"],
                "granted_eur": report["money"]["granted"],
                "reports": report["ratings"]["count"],
                "usefulness": report["ratings"]["usefulness"],
            }
        )
    return rows


SIDE_BY_SIDE_CHARTS = ("status", "money", "speed", "participants", "continuation", "funnel")


def rounds_side_by_side(*, rounds: list[Round], district: District | None = None) -> list[dict]:
    """The same charts for each of these rounds (in one district, or all), on the same scales."""
    keys = [figures.key_of(district.pk if district else None, round_.pk) for round_ in rounds]
    found = figures.for_keys(keys)
    sides = []
    for round_, key in zip(rounds, keys, strict=True):
        report = figures.present(found[key])
        drawn = charts.report_charts(report, target_days=round_.decision_target_days)
        for name in SIDE_BY_SIDE_CHARTS:  # no heading says what they are: each its title
            drawn[name].titled = True
            charts.layout(drawn[name])
        sides.append(
            {
                "round": round_,
                "report": report,
                "charts": {name: drawn[name] for name in SIDE_BY_SIDE_CHARTS},
            }
        )
    charts.same_scales([side["charts"] for side in sides])
    return sides


def rounds_by_date() -> list[Round]:
    return list(Round.objects.order_by("-opens_on", "-id"))


def districts_by_name() -> QuerySet[District]:
    return District.objects.order_by("name")


def lesson_by_id(lesson_id) -> Lesson | None:
    return Lesson.objects.filter(pk=lesson_id).first()


def theme_by_id(theme_id) -> Theme | None:
    return Theme.objects.filter(pk=theme_id).first()


def themes_by_use() -> QuerySet[Theme]:
    """Every theme with how many lessons it has, the most used first."""
    return Theme.objects.annotate(count=Count("lessons")).order_by("-count", "name")


def theme_proposals(limit: int = 100) -> list:
    """Untagged lessons proposed an existing theme, the closest first (grants' proposals)."""
    from grants.models import ThemeProposal

    return list(
        ThemeProposal.objects.filter(theme__isnull=False, lesson__themes__isnull=True)
        .select_related("theme", "lesson__report__idea__district")
        .order_by("-score")[:limit]
    )


def theme_proposal_groups(limit: int = 30) -> list[dict]:
    """Groups of untagged lessons proposed a new theme: its names and its lessons."""
    from grants.models import ThemeProposal

    rows = (
        ThemeProposal.objects.filter(theme__isnull=True, lesson__themes__isnull=True)
        .select_related("lesson__report__idea__district")
        .order_by("group", "-score")
    )
    groups: dict[int, dict] = {}
    for row in rows[:2000]:
        group = groups.setdefault(row.group, {"number": row.group, "proposal": row, "lessons": []})
        group["lessons"].append(row.lesson)
    return sorted(groups.values(), key=lambda group: -len(group["lessons"]))[:limit]


def decidable_pilots() -> QuerySet[Idea]:
    """Pilots whose closing report is in: the city may record what becomes of them."""
    from grants.workflow import PAST_STATUSES

    return Idea.objects.filter(
        status__in=PAST_STATUSES, closing_report__isnull=False
    ).select_related("district", "closing_report", "city_decision__owner")


def travelled(*, district: District, round_: Round | None = None) -> dict[str, int]:
    """How far good ideas travel, in one query: the district's ideas started from a pilot
    elsewhere, and the ideas elsewhere started from the district's pilots."""
    from grants.workflow import Status

    # Only the ideas that started from another (few, found by the origin's index), not every
    # idea of the district.
    repeats = Idea.objects.filter(origin__isnull=False).exclude(status=Status.DRAFT)
    if round_ is not None:
        repeats = repeats.filter(round=round_)
    counts = {"from_elsewhere": 0, "repeated_elsewhere": 0}
    for here, origin in repeats.values_list("district_id", "origin__district_id"):
        if here == district.pk and origin != district.pk:
            counts["from_elsewhere"] += 1
        elif origin == district.pk and here != district.pk:
            counts["repeated_elsewhere"] += 1
    return counts
