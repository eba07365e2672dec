"""The figures of the learning reports, computed for every district and round at once.

Nine grouped queries (by district and round) and one pass over the decision times give every
figure of every district report, of the comparison and of the rounds over time. A Celery task
stores them in ReportFigures every few minutes; a page reads one row instead of aggregating
thousands of pilots, and says how fresh its figures are. A page never computes the whole country's
figures: where the stored ones are older than REPORT_FIGURES_MAX_AGE seconds (the worker stopped or
is busy), the reader gets them with their age and one refresh is handed to the worker (a flag in
the cache keeps many readers from asking for many); only where none are stored yet (a fresh
install) does a district's page compute its own district's, without storing them. Rows are
written by key (an upsert), so two refreshes at once never collide.

Figures are kept as codes and numbers, never as translated labels, so one stored row serves
every language.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from actors.models import Actor, District
from common import broker, versions
from grants import changes as change_notes
from grants.models import AgeGroup, CityDecision, ClosingReport, Grant, Idea, IdeaChange, Round
from grants.workflow import GRANTED_STATUSES, Status

from ..models import ReportFigures

ALL = "all"
PERMANENT_CANDIDATES = (ClosingReport.Continuation.PERMANENT, ClosingReport.Continuation.WITH_CITY)
RATINGS = ("novelty", "change", "usefulness")


def key_of(district_id: int | None, round_id: int | None) -> str:
    return f"d{district_id if district_id else ALL}:r{round_id if round_id else ALL}"


def _empty() -> dict:
    return {
        "status": {},
        "granted_eur": "0",
        "paid_eur": "0",
        "spent_eur": "0",
        "participants": dict.fromkeys(AgeGroup.values, 0),
        "ratings_sum": dict.fromkeys(RATINGS, 0),
        "reports": 0,
        # Decision times in hundredths of a day begun, as {hundredths: decisions}: exact to add
        # and to take away, so an incremental refresh gets what a full one would.
        "days": {},
        "kinds": {},
        "edges": {},
        "cross_sector": 0,
        "intergenerational": 0,
        "continuation": {},
        "funnel": {},
    }


FUNNEL_STEPS = (
    "ideas",
    "granted",
    "without_grant",
    "reported",
    "candidates",
    "decided",
    "permanent",
)


def _add(target: dict, name: str, key, n) -> None:
    target[name][key] = target[name].get(key, 0) + n


def _money(target: dict, name: str, amount) -> None:
    target[name] = str(Decimal(target[name]) + (amount or Decimal("0")))


def compute(
    *, district_id: int | None = None, district_ids: Iterable[int] | None = None
) -> dict[str, dict]:
    """Every figure by district and round (and their totals), for one district, some or all.
    For some districts, only their rows and their totals over the rounds."""
    if district_id is not None:
        district_ids = [district_id]
    some = district_ids is not None
    ideas = Idea.objects.exclude(status=Status.DRAFT)
    if some:
        district_ids = sorted(set(district_ids))
        ideas = ideas.filter(district_id__in=district_ids)
    granted = ideas.filter(status__in=GRANTED_STATUSES)
    reports = ClosingReport.objects.filter(idea__in=granted)
    rows: dict[tuple[int, int], dict] = defaultdict(_empty)

    for d, r, status, n in ideas.values_list("district_id", "round_id", "status").annotate(
        n=Count("id")
    ):
        _add(rows[d, r], "status", status, n)
    for d, r, amount, paid in (
        Grant.objects.filter(idea__in=granted)
        .values_list("idea__district_id", "idea__round_id")
        .annotate(
            granted_sum=Sum("amount"),
            paid_sum=Sum("amount", filter=Q(payment_state=Grant.Payment.PAID)),
        )
    ):
        _money(rows[d, r], "granted_eur", amount)
        _money(rows[d, r], "paid_eur", paid)
    for (
        d,
        r,
        spent,
        children,
        youth,
        adults,
        elderly,
        novelty,
        change,
        useful,
        n,
    ) in reports.values_list("idea__district_id", "idea__round_id").annotate(
        spent_sum=Sum("actual_cost"),
        children_sum=Sum("participants_children"),
        youth_sum=Sum("participants_youth"),
        adults_sum=Sum("participants_adults"),
        elderly_sum=Sum("participants_elderly"),
        novelty_sum=Sum("novelty"),
        change_sum=Sum("change"),
        usefulness_sum=Sum("usefulness"),
        n=Count("id"),
    ):
        row = rows[d, r]
        _money(row, "spent_eur", spent)
        for group, value in zip(AgeGroup.values, (children, youth, adults, elderly), strict=True):
            _add(row, "participants", group, value or 0)
        for rating, value in zip(RATINGS, (novelty, change, useful), strict=True):
            _add(row, "ratings_sum", rating, value or 0)
        row["reports"] += n
    for d, r, continuation, n in reports.values_list(
        "idea__district_id", "idea__round_id", "continuation"
    ).annotate(n=Count("id")):
        _add(rows[d, r], "continuation", continuation, n)
    for d, r, kind, n in granted.values_list("district_id", "round_id", "applicant__kind").annotate(
        n=Count("id")
    ):
        _add(rows[d, r], "kinds", kind, n)
    for d, r, a, b, n in (
        granted.filter(partners__isnull=False)
        .values_list("district_id", "round_id", "applicant__kind", "partners__kind")
        .annotate(n=Count("id"))
    ):
        _add(rows[d, r], "edges", f"{a}|{b}", n)
    for d, r, n in (
        granted.filter(partners__isnull=False)
        .exclude(partners__kind=F("applicant__kind"))
        .values_list("district_id", "round_id")
        .annotate(n=Count("id", distinct=True))
    ):
        rows[d, r]["cross_sector"] += n
    young = Q(age_groups__icontains='"children"') | Q(age_groups__icontains='"youth"')
    for d, r, n in (
        granted.filter(young, age_groups__icontains='"elderly"')
        .values_list("district_id", "round_id")
        .annotate(n=Count("id"))
    ):
        rows[d, r]["intergenerational"] += n
    for d, r, *steps in (
        ideas.values_list("district_id", "round_id")
        .annotate(
            ideas=Count("id"),
            granted=Count("id", filter=Q(status__in=GRANTED_STATUSES, needs_grant=True)),
            # Experiments that needed no money count beside the granted ones.
            without_grant=Count("id", filter=Q(status__in=GRANTED_STATUSES, needs_grant=False)),
            reported=Count("id", filter=Q(closing_report__isnull=False)),
            candidates=Count("id", filter=Q(closing_report__continuation__in=PERMANENT_CANDIDATES)),
            decided=Count("id", filter=Q(city_decision__isnull=False)),
            permanent=Count("id", filter=Q(city_decision__outcome=CityDecision.Outcome.PERMANENT)),
        )
        .values_list("district_id", "round_id", *FUNNEL_STEPS)
    ):
        for step, n in zip(FUNNEL_STEPS, steps, strict=True):
            _add(rows[d, r], "funnel", step, n)
    for d, r, submitted, decided in (
        ideas.filter(submitted_at__isnull=False, decided_at__isnull=False)
        .values_list("district_id", "round_id", "submitted_at", "decided_at")
        .iterator(chunk_size=5000)
    ):
        _add(rows[d, r], "days", _hundredths(decided - submitted), 1)

    # Totals: each district over all rounds, each round over all districts (all districts only
    # when every district was computed), and everything.
    totals: dict[tuple[int | None, int | None], dict] = defaultdict(_empty)
    for (d, r), row in rows.items():
        targets = [(d, None)] + ([] if some else [(None, r), (None, None)])
        for target in targets:
            _merge(totals[target], row)
    if not some:
        # Every district and round has its row, even with no pilots yet.
        for d in District.objects.values_list("pk", flat=True):
            totals[d, None]
        for r in Round.objects.values_list("pk", flat=True):
            totals[None, r]
        totals[None, None]
    figures = {key_of(d, r): _finish(row) for (d, r), row in rows.items()}
    figures.update({key_of(d, r): _finish(row) for (d, r), row in totals.items()})
    for d in district_ids or ():
        figures.setdefault(key_of(d, None), _finish(_empty()))
    return figures


COUNTERS = ("status", "participants", "ratings_sum", "kinds", "edges", "continuation", "funnel")
SUMS = ("reports", "cross_sector", "intergenerational")
MONEY = ("granted_eur", "paid_eur", "spent_eur")


def _merge(total: dict, row: dict, sign: int = 1) -> None:
    """Add a row's figures to the total (or, with sign -1, take them away)."""
    for name in (*COUNTERS, "days"):
        for key, n in row[name].items():
            _add(total, name, key, sign * n)
    for name in MONEY:
        _money(total, name, sign * Decimal(row[name]))
    for name in SUMS:
        total[name] += sign * row[name]


def _hundredths(elapsed: timedelta) -> str:
    """A decision time in hundredths of a day begun (integers: no rounding surprises)."""
    microseconds = elapsed // timedelta(microseconds=1)
    return str(-(-microseconds // 864_000_000))


def _raw(data: dict) -> dict:
    """A stored row as _merge takes it (without what _finish derived)."""
    row = _empty()
    for name in (*COUNTERS, "days"):
        row[name] = dict(data.get(name, {}))
    for name in (*MONEY, *SUMS):
        row[name] = data.get(name, row[name])
    return row


def _nth(days: list[tuple[int, int]], position: int) -> float:
    """The decision time at this position (from 1) of the ordered times, in days."""
    seen = 0
    for hundredths, n in days:
        seen += n
        if seen >= position:
            return hundredths / 100
    raise ValueError(position)


def _median(days: list[tuple[int, int]], count: int) -> float | None:
    if not count:
        return None
    middle = count // 2
    if count % 2:
        return _nth(days, middle + 1)
    return (_nth(days, middle) + _nth(days, middle + 1)) / 2


# The decision times are kept day by day up to this many days, and longer ones together.
HISTOGRAM_DAYS = 61


# Counters whose keys are fixed (every age group, every rating), kept with their zeros.
FIXED_KEYS = ("participants", "ratings_sum")


def _finish(row: dict) -> dict:
    for name in MONEY:  # in cents, whether summed at once or by differences
        row[name] = str(Decimal(row[name]).quantize(Decimal("0.01")))
    for name in (*COUNTERS, "days"):
        if name not in FIXED_KEYS:
            row[name] = {key: n for key, n in row[name].items() if n}
    days = sorted((int(hundredths), n) for hundredths, n in row["days"].items())
    count = sum(n for _hundredths, n in days)
    histogram: dict[str, int] = {}
    for hundredths, n in days:
        # In whole days begun (a decision the same day is within one day), the long tail in one.
        whole = str(min(HISTOGRAM_DAYS, max(1, -(-hundredths // 100))))
        histogram[whole] = histogram.get(whole, 0) + n
    row["decision_days"] = {
        "count": count,
        "median": _median(days, count),
        "p90": _nth(days, max(1, math.ceil(0.9 * count))) if count else None,
        "histogram": histogram,
    }
    return row


def _store(figures: dict, now) -> list[ReportFigures]:
    """Write the rows by their key (an upsert): two refreshes at once both succeed, the later
    one's figures stay."""
    return ReportFigures.objects.bulk_create(
        [ReportFigures(key=key, data=data, computed_at=now) for key, data in figures.items()],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["data", "computed_at"],
    )


def refresh(*, full: bool = False) -> int:
    """Bring the stored figures up to date; returns the number of rows written.

    Incremental by default: the districts named by the notes of what changed since the last
    refresh (grants.changes) are computed again, and the totals of their rounds and of the
    whole country are corrected by the difference (every figure is a count or a sum, the
    decision times a count per hundredth of a day, so taking the old away and adding the new
    gives what a full refresh would). Full where nothing is stored yet, or when asked (every
    night, for what no note covers). The whole country's row is locked first, so refreshes run
    one after the other."""
    with transaction.atomic():
        everything = (
            ReportFigures.objects.select_for_update().filter(key=key_of(None, None)).first()
        )
        # Stored before the decision times were kept as counts: all of it once.
        whole = full or everything is None or "days" not in everything.data
        written = _refresh_all() if whole else _refresh_changed()
    cache.delete(REFRESH_ASKED)
    versions.bump(versions.FIGURES)
    return written


def _refresh_all() -> int:
    """Compute and store every figure. Rows of keys that are gone (a district or round removed,
    a combination without ideas any more) are removed; the notes read are done."""
    now = timezone.now()
    notes = change_notes.notes_for(IdeaChange.Reader.FIGURES)
    figures = compute()
    _store(figures, now)
    ReportFigures.objects.filter(computed_at__lt=now).delete()
    change_notes.notes_done(notes)
    return len(figures)


def _parts(key: str) -> tuple[str, str]:
    district, round_ = key.split(":")
    return district[1:], round_[1:]


def _refresh_changed() -> int:
    now = timezone.now()
    notes = change_notes.notes_for(IdeaChange.Reader.FIGURES)
    districts = {district for _pk, _idea, district in notes if district}
    unplaced = {idea for _pk, idea, district in notes if idea and not district}
    if unplaced:
        districts |= set(Idea.objects.filter(pk__in=unplaced).values_list("district_id", flat=True))
    written = _refresh_districts(districts, now) if districts else 0
    written += _every_district_and_round(now)
    change_notes.notes_done(notes)
    # What was not computed again is as of now all the same: nothing noted changed it.
    ReportFigures.objects.filter(computed_at__lt=now).update(computed_at=now)
    return written


def _every_district_and_round(now) -> int:
    """As after a full refresh, every district and round has its total row (a new one with
    nothing in it yet too), and the rows of a removed one go."""
    districts = {str(pk) for pk in District.objects.values_list("pk", flat=True)}
    rounds = {str(pk) for pk in Round.objects.values_list("pk", flat=True)}
    keys = set(ReportFigures.objects.values_list("key", flat=True))
    gone = []
    for key in keys:
        district, round_ = _parts(key)
        if (district != ALL and district not in districts) or (
            round_ != ALL and round_ not in rounds
        ):
            gone.append(key)
    ReportFigures.objects.filter(key__in=gone).delete()
    missing = {key_of(int(d), None) for d in districts} | {key_of(None, int(r)) for r in rounds}
    missing -= keys
    _store({key: _finish(_empty()) for key in missing}, now)
    return len(missing)


def _refresh_districts(districts: set[int], now) -> int:
    new = compute(district_ids=districts)
    own = Q()
    for district in districts:
        own |= Q(key__startswith=f"d{district}:")
    old = dict(ReportFigures.objects.filter(own).values_list("key", "data"))
    # The change of each district and round, to be carried into the round's and the country's
    # totals.
    deltas: dict[str, dict] = defaultdict(_empty)
    for rows, sign in ((old, -1), (new, 1)):
        for key, data in rows.items():
            _district, round_ = _parts(key)
            if round_ == ALL:
                continue
            for total in (key_of(None, int(round_)), key_of(None, None)):
                _merge(deltas[total], _raw(data), sign)
    totals = dict(ReportFigures.objects.filter(key__in=list(deltas)).values_list("key", "data"))
    for key, delta in deltas.items():
        total = _raw(totals[key]) if key in totals else _empty()
        _merge(total, delta)
        new[key] = _finish(total)
    _store(new, now)
    ReportFigures.objects.filter(key__in=set(old) - set(new)).delete()
    return len(new)


# Set while a refresh is asked for and not yet done, so that many readers of stale figures ask
# for one refresh, not one each.
REFRESH_ASKED = "reports:figures-refresh-asked"


def _stale_since():
    return timezone.now() - timedelta(seconds=settings.REPORT_FIGURES_MAX_AGE)


def ask_refresh() -> bool:
    """Hand one refresh to Celery, unless one is asked for already; True when this asked."""
    from .. import tasks

    timeout = max(60, settings.REPORT_FIGURES_MAX_AGE)
    if not cache.add(REFRESH_ASKED, timezone.now().isoformat(), timeout):
        return False
    transaction.on_commit(lambda: broker.hand_over(tasks.refresh_report_figures))
    return True


def stored(keys: list[str]) -> dict[str, ReportFigures]:
    """The stored figures of these keys, whatever their age; a refresh is asked for when any is
    older than REPORT_FIGURES_MAX_AGE (the reader gets these meanwhile, with their age)."""
    if not keys:
        return {}
    found = {row.key: row for row in ReportFigures.objects.filter(key__in=keys)}
    since = _stale_since()
    if not found or any(row.computed_at < since for row in found.values()):
        ask_refresh()
    return found


def _live(keys: list[str], *, district_id: int | None = None) -> dict[str, ReportFigures]:
    """Figures computed now and not stored: where nothing is stored yet (a fresh install whose
    worker has not run), or where REPORT_FIGURES_MAX_AGE is 0 (always live)."""
    now = timezone.now()
    figures = compute(district_id=district_id)
    return {
        key: ReportFigures(key=key, data=figures.get(key, _finish(_empty())), computed_at=now)
        for key in keys
    }


def _empty_row(key: str, computed_at) -> ReportFigures:
    return ReportFigures(key=key, data=_finish(_empty()), computed_at=computed_at)


def for_district(district_id: int, round_id: int | None) -> ReportFigures:
    """A district's stored figures (of one round, or all). Never computed for the whole country
    while the reader waits: where none are stored for the district, its own are computed."""
    key, whole = key_of(district_id, round_id), key_of(district_id, None)
    if settings.REPORT_FIGURES_MAX_AGE <= 0:
        return _live([key], district_id=district_id)[key]
    found = stored([key, whole])
    if whole not in found:
        found = _live([key, whole], district_id=district_id)
    return found.get(key) or _empty_row(key, found[whole].computed_at)


def for_keys(keys: list[str]) -> dict[str, ReportFigures]:
    """Several stored rows at once (the comparison, the rounds over time). A key without a row
    has no ideas (the refresh stores every combination that has some) and reads as empty;
    computed live only where nothing at all is stored yet."""
    if not keys:
        return {}
    if settings.REPORT_FIGURES_MAX_AGE <= 0:
        return _live(keys)
    found = stored(keys)
    if not found:
        return _live(keys)
    oldest = min(row.computed_at for row in found.values())
    return {key: found.get(key) or _empty_row(key, oldest) for key in keys}


def label_counts(counts: dict, choices) -> list[tuple[str, int]]:
    return [(label, counts.get(value, 0)) for value, label in choices]


def present(row: ReportFigures) -> dict:
    """The stored figures in the shape the report templates read, labels in today's language."""
    data = row.data
    status = data["status"]
    reports = data["reports"]
    kind_labels = dict(Actor.Kind.choices)
    edges = sorted(
        ((*key.split("|"), n) for key, n in data["edges"].items()), key=lambda e: (-e[2], e[:2])
    )
    return {
        "computed_at": row.computed_at,
        "by_status": [
            (Status(value).label, status.get(value, 0))
            for value in Status.values
            if value != Status.DRAFT
        ],
        "pilot_count": sum(status.get(value, 0) for value in GRANTED_STATUSES),
        "idea_count": sum(status.values()),
        "money": {
            "granted": Decimal(data["granted_eur"]),
            "paid": Decimal(data["paid_eur"]),
            "spent": Decimal(data["spent_eur"]),
        },
        "participants": [
            (AgeGroup(group).label, data["participants"].get(group, 0)) for group in AgeGroup.values
        ],
        "participants_total": sum(data["participants"].values()),
        "decision_days": data["decision_days"],
        "ratings": {
            "count": reports,
            **{
                rating: (data["ratings_sum"][rating] / reports if reports else None)
                for rating in RATINGS
            },
        },
        "network": {
            "kinds": [(kind_labels[k], data["kinds"].get(k, 0)) for k in Actor.Kind.values],
            "edges": [(kind_labels[a], kind_labels[b], n) for a, b, n in edges],
            "cross_sector": data["cross_sector"],
            "intergenerational": data["intergenerational"],
        },
        "continuation": label_counts(data["continuation"], ClosingReport.Continuation.choices),
        "candidate_count": sum(data["continuation"].get(c, 0) for c in PERMANENT_CANDIDATES),
        "funnel": funnel_of(data.get("funnel", {})),
    }


def funnel_of(counts: dict) -> list[tuple[str, str, int]]:
    """From ideas to permanent services: (key, label, count) for each step."""
    from django.utils.translation import gettext as _

    labels = {
        "ideas": _("Ideas sent"),
        "granted": _("Granted"),
        "without_grant": _("Approved without a grant"),
        "reported": _("Closing report in"),
        "candidates": _("Candidates to continue"),
        "decided": _("Decided by the city"),
        "permanent": _("Permanent services"),
    }
    return [(step, labels[step], counts.get(step, 0)) for step in FUNNEL_STEPS]
