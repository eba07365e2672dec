"""Measurements for `manage.py bench`: server time and queries of each page at one data size.

Each page is requested in process through Django's test client, on the real database, after two
warm-up requests; the time is the whole request through middleware, view, queries and template.
Beside each page the floor is measured the same way, a request of each in turn: a bare view
rendering the base template for the same person, so the figures read as a ratio that holds on any
machine, and a moment when the machine is busy slows both.
"""

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from actors.models import District, User
from actors.roles import ADMINISTRATOR_GROUP, AGENT_GROUP, MANAGER_GROUP
from grants import selectors, services, spam
from grants.models import ClosingReport, Idea, Notification, Round
from grants.services import reminders
from grants.workflow import Status
from reports.models import Export
from reports.services import exports, figures, open_data

FLOOR_URL = "/en/bench/floor/"
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - benchmark accounts only


@dataclass
class Result:
    name: str
    persona: str
    p50_ms: float
    p95_ms: float
    queries: int
    status: int
    floor_p95_ms: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.p95_ms / self.floor_p95_ms if self.floor_p95_ms else None


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _with_second_factor(user: User) -> None:
    """Agents and managers must have a second factor; benchmark accounts get a known one."""
    if not apps.is_installed("allauth.mfa"):
        return
    from .services import totp_ensure

    totp_ensure(user=user, secret=BENCH_TOTP_SECRET)


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        if apps.is_installed("allauth.mfa"):
            # A session that passed the second factor, as after a real login.
            session = client.session
            session["account_authentication_methods"] = [
                {"method": "password", "at": time.time()},
                {"method": "mfa", "type": "totp", "at": time.time()},
            ]
            session.save()
    return client


def _elapsed_ms(call: Callable[[], int]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _time(
    call: Callable[[], int], repeat: int, floor: Callable[[], int] | None = None
) -> tuple[list[float], int, int, list[float]]:
    """Time `call` (a whole request, a streamed body read to its end) `repeat` times after two
    warm-ups; the queries are counted on the last run. With a `floor`, the floor request is
    timed in turn with each one, so that both meet the machine in the same state.

    Returns the timings, the queries, the last status and the floor's timings."""
    for _ in range(2):
        call()
        if floor is not None:
            floor()
    timings, floor_timings = [], []
    for _ in range(repeat - 1):
        if floor is not None:
            floor_timings.append(_elapsed_ms(floor))
        timings.append(_elapsed_ms(call))
    if floor is not None:
        floor_timings.append(_elapsed_ms(floor))
    reset_queries()  # the query log keeps at most 9,000 entries; a full one counts nothing
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        status = call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings, len(captured), status, floor_timings


def _get(client: Client, url: str, *, htmx: bool = False) -> int:
    response = client.get(url, headers={"HX-Request": "true"} if htmx else None)
    if response.status_code != 200:
        raise RuntimeError(f"{url} gave {response.status_code}")
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
    return response.status_code


def _administrator() -> User:
    """The programme administrator who reads the /manage/ pages (made once)."""
    from django.contrib.auth.models import Group

    user = User.objects.filter(groups__name=ADMINISTRATOR_GROUP).order_by("pk").first()
    if user is None:
        user = User.objects.create_user(email="bench-admin@example.org", password=None)
        user.groups.add(Group.objects.get(name=ADMINISTRATOR_GROUP))
    return user


class Personas:
    def __init__(self):
        district = District.objects.order_by("slug").first()
        self.district = district
        self.agent = (
            User.objects.filter(groups__name=AGENT_GROUP, agent_districts=district)
            .order_by("pk")
            .first()
        )
        self.manager = User.objects.filter(groups__name=MANAGER_GROUP).order_by("pk").first()
        self.resident = (
            User.objects.filter(groups__isnull=True, is_staff=False)
            .annotate(n=Count("created_ideas"))
            .order_by("-n", "pk")
            .first()
        )
        self.administrator = _administrator()
        for user in (self.agent, self.manager, self.administrator):
            _with_second_factor(user)
        # The pages are read in English; a person's own language would redirect there.
        User.objects.filter(
            pk__in=[self.agent.pk, self.manager.pk, self.resident.pk, self.administrator.pk]
        ).update(language="en")
        self.round = Round.objects.order_by("-opens_on", "-pk").first()
        self.past_pilot = (
            Idea.objects.filter(district=district, status__in=[Status.REPORTED, Status.CLOSED])
            .order_by("pk")
            .first()
        )
        # The agent's idea page is measured at its fullest: an idea waiting for a decision that
        # has similar past pilots in its district (so partners are suggested too).
        waiting = Idea.objects.filter(district=district, status=Status.SUBMITTED).order_by("pk")
        self.waiting_idea = (
            waiting.first()
            or Idea.objects.filter(district=district).exclude(status=Status.DRAFT).first()
        )
        for idea in waiting[:50]:
            similar = selectors.similar_pilots(
                text=f"{idea.title} {idea.need} {idea.plan}", exclude_idea_id=idea.pk
            )
            if any(pilot.district_id == idea.district_id for pilot in similar):
                self.waiting_idea = idea
                break


# Parts of a page that the browser loads after it: requested as htmx does.
LOADED_AFTER = {"agent's follow-up", "agent's money", "agent's idea mill"}


def page_urls(personas: "Personas") -> list[tuple[str, str, str]]:
    """The measured pages: (name, who reads it, address), in English."""
    district = personas.district
    # Filters that the waiting idea matches, so the filtered list is never empty.
    word = personas.waiting_idea.title.split()[0].lower()
    kind = personas.waiting_idea.applicant.kind
    with translation.override("en"):
        queue = reverse("grants:agent")
        return [
            ("agent queue", "agent", queue),
            (
                "agent queue, filtered",
                "agent",
                f"{queue}?status=submitted&district={district.slug}&q={word}&kind={kind}",
            ),
            (
                "agent's idea page",
                "agent",
                reverse("grants:agent_idea", args=[personas.waiting_idea.pk]),
            ),
            # Parts of those two pages that the browser loads after them (htmx).
            ("agent's follow-up", "agent", reverse("grants:agent_follow_up")),
            ("agent's money", "agent", reverse("grants:agent_money")),
            (
                "agent's idea mill",
                "agent",
                reverse("grants:agent_idea_mill", args=[personas.waiting_idea.pk]),
            ),
            ("resident's /my/", "resident", reverse("grants:my")),
            ("district report", "manager", reverse("reports:district", args=[district.slug])),
            ("comparison", "manager", reverse("reports:compare")),
            ("showcase", "anonymous", reverse("reports:pilots")),
            ("open data JSON", "anonymous", reverse("reports:open_data_json")),
            ("round's public page", "anonymous", reverse("grants:round", args=[personas.round.pk])),
            ("administrator's rounds", "administrator", reverse("grants:manage")),
            (
                "administrator's round",
                "administrator",
                reverse("grants:manage_round", args=[personas.round.pk]),
            ),
            ("administrator's staff", "administrator", reverse("actors:manage_staff")),
            ("administrator's districts", "administrator", reverse("actors:manage_districts")),
            ("administrator's reasons", "administrator", reverse("grants:manage_reasons")),
            (
                "city's decision on a pilot",
                "manager",
                reverse("reports:decision", args=[personas.past_pilot.pk]),
            ),
        ]


def idea_form_url() -> str:
    with translation.override("en"):
        return reverse("grants:idea_new")


def session_cookie(user) -> str:
    """A logged-in session (past the second factor) for `user`, as after a real login: the
    cookie the load generators send."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["account_authentication_methods"] = [
        {"method": "password", "at": time.time()},
        {"method": "mfa", "type": "totp", "at": time.time()},
    ]
    store.create()
    return store.session_key


def _small_change() -> None:
    """What a few minutes bring: a closing report corrected, a pilot's lessons added, an idea
    edited (the seeded numbers of ideas and pilots stay, so the data can be measured again)."""
    report = ClosingReport.objects.select_related("idea").order_by("-pk").first()
    report.participants_adults += 1
    report.save(update_fields=["participants_adults"])
    services.idea_index_terms(idea=report.idea)
    idea = Idea.objects.exclude(status=Status.DRAFT).order_by("pk").first()
    idea.save(update_fields=["updated_at"])


def measure(*, repeat: int = 30, due: int = 1000, pages_only: bool = False) -> dict:
    """The figures of one data size: every page, and (unless `pages_only`, for the further
    rounds of `manage.py bench --rounds`) the background work, the sweep and the memory."""
    system: dict = {}
    if not pages_only:
        system = _background_work()
    personas = Personas()
    clients = {
        "anonymous": _client(None),
        "resident": _client(personas.resident),
        "agent": _client(personas.agent),
        "manager": _client(personas.manager),
        "administrator": _client(personas.administrator),
    }
    pages = page_urls(personas)
    floors: dict[str, list[float]] = {persona: [] for persona in clients}

    results: list[Result] = []
    for name, persona, url in pages:
        client = clients[persona]
        htmx = name in LOADED_AFTER
        result, floor_timings = _measured(
            name, persona, client, lambda c=client, u=url, h=htmx: _get(c, u, htmx=h), repeat
        )
        floors[persona].extend(floor_timings)
        results.append(result)
    results.append(_submission(personas, clients["resident"], repeat))
    results.append(_similar_panel(clients["anonymous"], repeat))
    results.append(_mill_in_a_round_opening(personas, clients["agent"], repeat))
    figures_of_size = {
        "pilots": Idea.objects.count(),
        "districts": District.objects.count(),
        "floors_ms": {
            persona: _percentile(timings, 0.95) for persona, timings in floors.items() if timings
        },
        "pages": [asdict(result) | {"ratio": result.ratio} for result in results],
    }
    if pages_only:
        return figures_of_size
    return (
        figures_of_size
        | system
        | {
            "sweep": _sweep(due=due, repeat=max(3, min(repeat, 5))),
            "memory": _stream_memory(clients["anonymous"], clients["manager"], personas.district),
            "meaning": _meaning_memory(),
        }
    )


def _background_work() -> dict:
    """What the Celery beat does every night (the report figures and the search terms' counts
    of everything), every few minutes after a small change (what changed), and when the data
    change (the open-data files), each timed."""
    started = time.perf_counter()
    figure_rows = figures.refresh(full=True)
    refresh_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    terms = services.term_stats_refresh(full=True)
    terms_ms = (time.perf_counter() - started) * 1000
    _small_change()
    started = time.perf_counter()
    changed_rows = figures.refresh()
    changed_refresh_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    changed_terms = services.term_stats_refresh()
    changed_terms_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    open_data.prepare()
    open_data_ms = (time.perf_counter() - started) * 1000
    return {
        "figures_refresh": {"ms": refresh_ms, "rows": figure_rows},
        "term_stats_refresh": {"ms": terms_ms, "rows": terms},
        "figures_refresh_changed": {"ms": changed_refresh_ms, "rows": changed_rows},
        "term_stats_refresh_changed": {"ms": changed_terms_ms, "rows": changed_terms},
        "open_data_prepare": {"ms": open_data_ms},
    }


def _measured(name: str, persona: str, client: Client, call, repeat: int):
    """One row of the table: `call` timed `repeat` times, each beside the same person's floor;
    the result and the floor's timings."""
    timings, queries, status, floor_timings = _time(
        call, repeat, floor=lambda: _get(client, FLOOR_URL)
    )
    result = Result(
        name=name,
        persona=persona,
        p50_ms=statistics.median(timings),
        p95_ms=_percentile(timings, 0.95),
        queries=queries,
        status=status,
        floor_p95_ms=_percentile(floor_timings, 0.95),
    )
    return result, floor_timings


def idea_form_data(district: District) -> dict:
    """A complete idea form as a resident sends it."""
    today = timezone.localdate()
    return {
        "started": spam.form_started_token(),
        "website": "",
        "title": "Kyläkahvila koululla",
        "need": "Ikäihmiset ja koululaiset kohtaavat harvoin.",
        "plan": "Kuukausittainen kahvila, jossa leivotaan yhdessä.",
        "age_groups": ["children", "elderly"],
        "district": str(district.pk),
        "starts_on": (today + timedelta(days=7)).isoformat(),
        "ends_on": (today + timedelta(days=60)).isoformat(),
        "amount": "500",
        "partners_text": "",
    }


def _submission(personas: Personas, client: Client, repeat: int) -> Result:
    """The idea form sent by a logged-in resident: a real POST that creates a real idea (the
    ideas made here are removed afterwards)."""
    newest = Idea.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    district = personas.district

    def post() -> int:
        response = client.post(idea_form_url(), idea_form_data(district))
        if response.status_code != 302:
            raise RuntimeError(f"the idea form was refused: {response.status_code}")
        return response.status_code

    try:
        return _measured("idea submission (POST)", "resident", client, post, repeat)[0]
    finally:
        Idea.objects.filter(pk__gt=newest).delete()


def _similar_panel(client: Client, repeat: int) -> Result:
    """The idea form's "learn before you try" panel as the browser asks for it while a person
    types: a POST of the form's texts, each request a text not asked before (as it grows while
    the person types), so the query's embedding is always included."""
    with translation.override("en"):
        url = reverse("grants:similar")
    texts = [
        "Kahvila ikäihmisille ja koululaisille kylätalolla kerran kuussa",
        "Läshund på biblioteket för barn som övar att läsa",
        "Evening football for young people at the school field",
    ]
    turn = iter(range(10**9))

    def post() -> int:
        n = next(turn)
        text = f"{texts[n % len(texts)]} {n}"
        response = client.post(url, {"title": text, "need": text, "plan": ""})
        if response.status_code != 200:
            raise RuntimeError(f"the similar pilots gave {response.status_code}")
        return response.status_code

    return _measured("similar pilots while typing (POST)", "anonymous", client, post, repeat)[0]


# The mill's findings among the round's ideas are found anew after each idea sent in the round.
MILL_IN_A_ROUND_OPENING = "agent's idea mill, an idea sent in the round before each (after)"


def _mill_in_a_round_opening(personas: Personas, client: Client, repeat: int) -> Result:
    """The idea mill as an agent reads it while the round's ideas keep arriving: before each
    request, what an idea sent in the same round ends (grants/changes.mill_changed)."""
    from common import versions

    idea = personas.waiting_idea
    with translation.override("en"):
        url = reverse("grants:agent_idea_mill", args=[idea.pk])

    def get() -> int:
        versions.bump(versions.round_ideas(idea.round_id))
        return _get(client, url, htmx=True)

    return _measured(MILL_IN_A_ROUND_OPENING, "agent", client, get, repeat)[0]


def _sweep(*, due: int, repeat: int) -> dict:
    """The reminder sweep with `due` pilots ending soon among all: each run makes them due inside
    a transaction that is rolled back, so the data stays as seeded. A reused seed grows older
    than the day it was made, so what has fallen due since is swept first, in the same
    transaction, and the measured sweep finds only the pilots made due here."""
    today = timezone.localdate()
    candidates = list(
        Idea.objects.filter(status=Status.CLOSED).order_by("pk").values_list("pk", flat=True)[:due]
    )
    timings = []
    queries = sent = 0
    for _ in range(repeat):
        with transaction.atomic():
            reminders.sweep(today=today)
            Idea.objects.filter(pk__in=candidates).update(
                status=Status.RUNNING, ends_on=today + timedelta(days=1)
            )
            Notification.objects.filter(idea_id__in=candidates, kind="pilot_ending_soon").delete()
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                counts = reminders.sweep(today=today)
                timings.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
            sent = counts["ending_soon"]
            other = sum(n for key, n in counts.items() if key != "ending_soon")
            transaction.set_rollback(True)
        if sent != len(candidates) or other:
            raise RuntimeError(f"the sweep found {sent} of {len(candidates)} due and {other} more")
    return {
        "due": len(candidates),
        "p50_ms": statistics.median(timings),
        "p95_ms": _percentile(timings, 0.95),
        "queries": queries,
        "queries_per_due_row": queries / max(1, len(candidates)),
    }


def _stream_memory(anonymous: Client, manager: Client, district) -> dict:
    """Peak Python memory while the whole open-data CSV and a district's CSV export stream."""
    found = {}
    for name, client, url in [
        ("open data CSV (all pilots)", anonymous, "/en/open-data/pilots.csv"),
        ("district CSV export", manager, f"/en/reports/{district.slug}/export.csv"),
    ]:
        gc.collect()
        tracemalloc.start()
        response = client.get(url)
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        found[name] = {"bytes": size, "peak_mb": peak / 1_000_000}
    # The large export that a Celery task writes to storage.
    export = Export.objects.create(requested_by=personas_manager(manager), district=district)
    gc.collect()
    tracemalloc.start()
    export = exports.export_make(export_id=export.pk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    found["district export file (Celery)"] = {"bytes": export.file.size, "peak_mb": peak / 1e6}
    export.file.delete(save=False)
    export.delete()
    return found


def _meaning_memory() -> dict:
    """What the vectors of similar pilots by meaning hold in this process, and its peak size."""
    import resource

    from grants import meaning

    index = meaning._index
    held = index.matrix.nbytes + index.scales.nbytes + index.ids.nbytes + index.stamps.nbytes
    return {
        "vectors": meaning._index.size,
        "index_mb": held / 1_000_000,
        "process_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000,
    }


def personas_manager(client: Client) -> User:
    return User.objects.get(pk=client.session["_auth_user_id"])
