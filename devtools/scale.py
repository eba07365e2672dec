"""A realistic national-scale data set, made fast and reproducibly from a seed.

Used by `manage.py seed_scale` and the benchmarks. Rows are generated in Python with explicit
primary keys and written with bulk inserts in batches, so 100,000 pilots with their makers,
partners, decisions, closing reports, lessons and notifications take minutes, not hours. The data
is consistent with the calendar the same way the service keeps it: approved pilots start in the
future, running ones end today or later, a pilot whose report is due has had exactly the reminders
the sweeps would have sent, and every round's granted total is the sum of its grants.
"""

import io
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from actors.models import Actor, District, Membership, User
from actors.roles import AGENT_GROUP, MANAGER_GROUP, ensure_roles
from common import embeddings
from grants.models import (
    BudgetLine,
    ClosingReport,
    Grant,
    Idea,
    IdeaEmbedding,
    IdeaTerm,
    Lesson,
    Message,
    Notification,
    Round,
    StatusChange,
    Theme,
)
from grants.similarity import terms_of
from grants.workflow import Action, Status

BATCH = 5000
SCALE_DOMAIN = "scale.example.fi"

DISTRICT_NAMES = [
    "Iittala", "Jukola", "Hauho", "Lammi", "Tuulos", "Kalvola", "Renko", "Keskusta", "Katuma",
    "Idänpää", "Myllymäki", "Hätilä", "Kauriala", "Ojoinen", "Tuomelanniemi", "Linnanniemi",
    "Hirsimäki", "Kankaantausta", "Tuomikylä", "Vanajanlinna",
]  # fmt: skip
ACTIVITIES = [
    "Kyläkahvila", "Kirpputori", "Lukupiiri", "Pyöräkorjaamo", "Ulkojumppa", "Kielikahvila",
    "Kylätalkoot", "Taidepaja", "Senioritanssit", "Nuorten pelilta", "Yhteisöpuutarha",
    "Lainaamo", "Korjauskahvila", "Ruokapiiri", "Kävelykoulu", "Satutunti", "Kuoro",
    "Tanssiaiset", "Elokuvailta", "Retkipäivä", "Ompelupaja", "Digitupa", "Läksykerho",
    "Lähiruokatori", "Polkujuoksu", "Luontoretki", "Musiikkipaja", "Skeittipäivä",
    "Kesäteatteri", "Saunailta", "Perhekahvila", "Lumityöapu", "Koiraharrastus", "Uimakoulu",
    "Puutyöpaja", "Kuvataidekerho", "Kortteliliikunta", "Vaihtopiste", "Avoin kotitalo",
    "Kylähistoriapolku",
]  # fmt: skip
PLACES = [
    "koululla", "kirjastossa", "seurakuntatalolla", "kylätalolla", "rannassa", "puistossa",
    "kauppakeskuksessa", "nuorisotalolla", "palvelutalossa", "urheilukentällä", "torilla",
    "asukastuvalla", "pihalla", "metsässä", "kartanolla", "päiväkodissa", "museossa",
    "uimahallissa", "kerhohuoneessa", "kahvilassa",
]  # fmt: skip
NEEDS = [
    "Alueella ei ole paikkaa, jossa eri ikäiset kohtaavat arjessa.",
    "Moni ikäihminen on yksin, eikä nuorille ole tekemistä iltaisin.",
    "Perheet toivovat maksutonta tekemistä lähellä kotia.",
    "Tyhjä tila seisoo käyttämättä, vaikka tekijöitä olisi.",
    "Uudet asukkaat eivät tunne naapureitaan eivätkä alueen palveluita.",
    "Kierrätykselle ja korjaamiselle ei ole lähellä paikkaa.",
]
PLANS = [
    "Kokeilemme kahden kuukauden ajan kerran viikossa avointa toimintaa yhdessä kumppanien kanssa.",
    "Järjestämme kolme tapahtumaa ja kerromme niistä koulun ja kirjaston kautta.",
    "Hankimme tarvikkeet, sovimme tilasta ja kutsumme naapurit mukaan talkoisiin.",
    "Vapaaehtoiset pitävät toimintaa yllä, ja keräämme palautetta joka kerta.",
]
WORKED = [
    "Osallistujia tuli enemmän kuin odotimme, ja moni tuli uudelleen.",
    "Yhteistyö koulun kanssa toimi hyvin ja toi mukaan uusia perheitä.",
    "Vapaaehtoisia löytyi helposti, kun tehtävät olivat pieniä.",
]
FAILED = [
    "",
    "",
    "Ilmoitus ehti liian myöhään, joten ensimmäisellä kerralla väkeä oli vähän.",
    "Tila oli liian pieni, ja sää perui kaksi ulkokertaa.",
    "Ikäihmisiä oli vaikea tavoittaa ilman paperista tiedotetta.",
]
LESSONS = [
    "Pieni kokeilu kannattaa aloittaa nopeasti ja korjata matkalla.",
    "Paperinen ilmoitus kaupan seinällä tavoittaa ikäihmiset.",
    "Koulu on hyvä kumppani perheiden tavoittamiseen.",
    "Vapaaehtoisille kannattaa antaa selkeä ja pieni tehtävä.",
    "Sää kannattaa huomioida ulkotapahtumissa varasuunnitelmalla.",
    "Yhteinen ruoka tuo ihmiset paikalle.",
    "Nuoret tulevat, kun he saavat itse suunnitella tekemisen.",
    "Kirjasto lainaa tiloja ja tarvikkeita maksutta.",
    "Ilmainen tila löytyy, kun kysyy seurakunnalta.",
    "Some-ilmoitus tavoittaa lapsiperheet parhaiten.",
]
THEMES = [
    "Tiedottaminen", "Kumppanuudet", "Vapaaehtoiset", "Tilat", "Ikäihmiset", "Nuoret",
    "Lapsiperheet", "Ulkotapahtumat", "Ruoka", "Kierrätys",
]  # fmt: skip
FIRST_NAMES = [
    "Aino", "Eero", "Helmi", "Juho", "Kerttu", "Lauri", "Maija", "Onni", "Siiri", "Väinö",
]  # fmt: skip
LAST_NAMES = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Laine", "Heikkinen", "Koskinen"]
ORGANISATION_KINDS = [
    (Actor.Kind.ASSOCIATION, "ry"),
    (Actor.Kind.COMPANY, "Oy"),
    (Actor.Kind.PARISH, "seurakunta"),
    (Actor.Kind.CITY_UNIT, "koulu"),
]
AGE_GROUPS = ["children", "youth", "adults", "elderly"]
# Local place names: a long tail of rare words, as real ideas have (they make similar pilots
# findable by rare terms, the way real texts do).
SYLLABLES = ["ka", "lo", "mi", "ve", "ta", "su", "ri", "no", "pe", "hu", "jä", "ly", "sa", "ko"]
SUFFIXES = ["nmäki", "lahti", "niemi", "joki", "harju", "kylä", "salo", "ranta"]
LOCAL_NAMES = [
    f"{a}{b}{c}{suffix}".capitalize()
    for a in SYLLABLES
    for b in SYLLABLES
    for c in SYLLABLES
    for suffix in SUFFIXES
]

# How the pilots of a finished round end up, and of the current round (the in-flight ones).
PAST_MIX = [
    (Status.CLOSED, 78),
    (Status.REPORTED, 2),
    (Status.DECLINED, 14),
    (Status.WITHDRAWN, 4),
    (Status.REPORT_DUE, 2),
]
# Rounds older than the previous one are settled: their reports are in and accepted, and the
# few that never came were closed by the agents.
SETTLED_MIX = [(Status.CLOSED, 82), (Status.DECLINED, 14), (Status.WITHDRAWN, 4)]
CURRENT_MIX = [
    (Status.DRAFT, 8),
    (Status.SUBMITTED, 12),
    (Status.NEEDS_INFO, 3),
    (Status.APPROVED, 10),
    (Status.RUNNING, 25),
    (Status.REPORT_DUE, 10),
    (Status.REPORTED, 5),
    (Status.CLOSED, 15),
    (Status.DECLINED, 10),
    (Status.WITHDRAWN, 2),
]
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: [Action.SUBMIT],
    Status.NEEDS_INFO: [Action.SUBMIT, Action.ASK_INFO],
    Status.DECLINED: [Action.SUBMIT, Action.DECLINE],
    Status.WITHDRAWN: [Action.SUBMIT, Action.WITHDRAW],
    Status.APPROVED: [Action.SUBMIT, Action.APPROVE],
    Status.RUNNING: [Action.SUBMIT, Action.APPROVE, Action.START],
    Status.REPORT_DUE: [Action.SUBMIT, Action.APPROVE, Action.START, Action.REQUEST_REPORT],
    Status.REPORTED: [
        Action.SUBMIT, Action.APPROVE, Action.START, Action.REQUEST_REPORT, Action.REPORT,
    ],
    Status.CLOSED: [
        Action.SUBMIT, Action.APPROVE, Action.START, Action.REQUEST_REPORT, Action.REPORT,
        Action.CLOSE,
    ],
}  # fmt: skip
TARGET = {
    Action.SUBMIT: Status.SUBMITTED,
    Action.ASK_INFO: Status.NEEDS_INFO,
    Action.DECLINE: Status.DECLINED,
    Action.WITHDRAW: Status.WITHDRAWN,
    Action.APPROVE: Status.APPROVED,
    Action.START: Status.RUNNING,
    Action.REQUEST_REPORT: Status.REPORT_DUE,
    Action.REPORT: Status.REPORTED,
    Action.CLOSE: Status.CLOSED,
}
WITH_REPORT = {Status.REPORTED, Status.CLOSED}
WITH_GRANT = {Status.APPROVED, Status.RUNNING, Status.REPORT_DUE, Status.REPORTED, Status.CLOSED}


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


class _Ids:
    """Explicit primary keys, continuing after what the table already holds."""

    def __init__(self):
        self._next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self._next:
            top = model.objects.aggregate(top=models.Max("pk"))["top"] or 0
            self._next[model] = top + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value


class _Writer:
    """Collects rows per model and writes them in batches, parents before children."""

    ORDER = [
        User, Actor, Membership, Round, Idea, Grant, ClosingReport, Lesson, StatusChange,
        Notification, Message, BudgetLine, IdeaTerm, IdeaEmbedding,
    ]  # fmt: skip

    def __init__(self, counts: Counts):
        self.rows: dict[type[models.Model], list[models.Model]] = {m: [] for m in self.ORDER}
        self.through: dict[type[models.Model], list[models.Model]] = {}
        self.counts = counts

    def add(self, obj: models.Model) -> None:
        self.rows[type(obj)].append(obj)

    def add_through(self, model: type[models.Model], obj: models.Model) -> None:
        self.through.setdefault(model, []).append(obj)

    def flush(self) -> None:
        for model in self.ORDER:
            self._write(model, self.rows[model])
            self.rows[model] = []
        for model, rows in self.through.items():
            self._write(model, rows)
            self.through[model] = []

    def add_raw(self, model: type[models.Model], values: tuple) -> None:
        """A row as a tuple in the order of the model's columns (no model instance made)."""
        self.through.setdefault(model, []).append(values)

    def _write(self, model: type[models.Model], rows: list) -> None:
        if not rows:
            return
        fields = model._meta.concrete_fields
        if connection.vendor == "postgresql":
            _copy(model, fields, rows)
        else:
            if isinstance(rows[0], tuple):
                names = [field.attname for field in fields]
                rows = [model(**dict(zip(names, row, strict=True))) for row in rows]
            model.objects.bulk_create(rows, batch_size=BATCH)
        self.counts.add(model._meta.label, len(rows))


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bytes | memoryview):  # bytea in COPY's text format: \\x and hex
        return "\\\\x" + bytes(value).hex()
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value)
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy(model: type[models.Model], fields, rows: list) -> None:
    """PostgreSQL's COPY: the fastest way in, several times quicker than INSERTs."""
    if not isinstance(rows[0], tuple) and rows[0].pk is None:
        fields = [field for field in fields if not field.primary_key]  # the sequence numbers them
    stamped = [getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields]
    buffer = io.StringIO()
    for row in rows:
        if isinstance(row, tuple):
            values = row
        else:
            values = [
                field.pre_save(row, True) if stamp else getattr(row, field.attname)
                for field, stamp in zip(fields, stamped, strict=True)
            ]
        buffer.write("\t".join(_copy_value(value) for value in values))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        copy.write(buffer.getvalue())
    for row in rows:
        if not isinstance(row, tuple):
            row._state.adding, row._state.db = False, connection.alias


def _synthetic_vector(directions: dict, topic: str, rng) -> bytes:
    if topic not in directions:
        direction = rng.standard_normal(embeddings.DIMENSIONS).astype(np.float32)
        directions[topic] = direction / np.linalg.norm(direction)
    vector = directions[topic] + 0.6 * rng.standard_normal(embeddings.DIMENSIONS).astype(
        np.float32
    ) / np.sqrt(embeddings.DIMENSIONS)
    return embeddings.to_bytes(vector / np.linalg.norm(vector))


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _weighted(rng: random.Random, mix: list[tuple[Status, int]]) -> Status:
    return rng.choices([status for status, _ in mix], weights=[w for _, w in mix])[0]


def flush_domain_data() -> None:
    """Remove every pilot, actor, round and non-staff person (the benchmarks start clean)."""
    tables = [
        model._meta.db_table
        for model in [
            IdeaTerm, BudgetLine, Message, Notification, StatusChange, Lesson, ClosingReport,
            Grant, Idea, Round, Membership, Actor, Theme, District,
        ]
    ] + [
        Lesson.themes.through._meta.db_table,
        Idea.partners.through._meta.db_table,
        Round.districts.through._meta.db_table,
        User.agent_districts.through._meta.db_table,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Inside a transaction that has just inserted rows (a test seeding twice), their
            # deferred foreign-key checks must run before the tables can be emptied.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for model in [
                Lesson.themes.through, Idea.partners.through, IdeaTerm, BudgetLine, Message,
                Notification, StatusChange, Lesson, ClosingReport, Grant,
            ]:  # fmt: skip
                model.objects.all().delete()
            Idea.objects.all().delete()
            for model in [Round, Membership, Actor, Theme, District]:
                model.objects.all().delete()
    User.objects.filter(email__endswith="@" + SCALE_DOMAIN).delete()


def _reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def seed(
    *,
    pilots: int,
    districts: int,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Counts:
    """Create `pilots` ideas in `districts` districts with everything around them."""
    rng = random.Random(seed)
    vector_rng = np.random.default_rng(seed)
    vectors: dict[str, np.ndarray] = {}
    embedding_version = embeddings.model_version()
    embedded_at = timezone.now()
    today = today or timezone.localdate()
    counts = Counts()
    say = progress or (lambda message: None)
    ensure_roles()
    ids = _Ids()
    writer = _Writer(counts)
    password = make_password(None)  # unusable: the benchmarks log in without passwords

    with transaction.atomic():
        district_rows = []
        for n in range(districts):
            name = DISTRICT_NAMES[n] if n < len(DISTRICT_NAMES) else f"Alue {n + 1:03d}"
            slug = f"scale-{n + 1:03d}"
            district_rows.append(District(name=name, slug=slug))
        existing = set(District.objects.values_list("name", flat=True))
        for row in district_rows:
            if row.name in existing:
                row.name = f"{row.name} {row.slug[-3:]}"
        District.objects.bulk_create(district_rows)
        district_list = list(District.objects.filter(slug__startswith="scale-").order_by("slug"))
        themes = [Theme.objects.get_or_create(name=name)[0] for name in THEMES]

        def person(kind: str, n: int) -> User:
            user = User(
                id=ids.take(User),
                email=f"{kind}{n}@{SCALE_DOMAIN}",
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                phone=f"040 {rng.randrange(1000000, 9999999)}",
                language=rng.choices(["fi", "sv", "en"], weights=[88, 6, 6])[0],
                password=password,
                date_joined=_aware(today - timedelta(days=rng.randrange(30, 3000))),
            )
            writer.add(user)
            return user

        # Two resident agents per district, a few city managers.
        agents_by_district: dict[int, list[User]] = {}
        for district in district_list:
            agents_by_district[district.pk] = [
                person("agent", district.pk * 10 + k) for k in range(2)
            ]
        managers = [person("manager", k) for k in range(max(2, districts // 10))]

        # Makers: about one person for every two pilots, each with their own resident actor.
        maker_count = max(2, pilots // 2)
        makers: list[tuple[User, Actor]] = []
        for n in range(maker_count):
            user = person("resident", n)
            actor = Actor(
                id=ids.take(Actor),
                kind=Actor.Kind.RESIDENT,
                name=user.full_name,
                created_at=user.date_joined,
            )
            writer.add(actor)
            writer.add(Membership(id=ids.take(Membership), actor=actor, user=user))
            makers.append((user, actor))

        # Organisations: associations, companies, parishes and city units in each district.
        organisations: list[tuple[Actor, User]] = []
        for n in range(max(4, pilots // 10)):
            kind, suffix = ORGANISATION_KINDS[n % len(ORGANISATION_KINDS)]
            district = district_list[n % len(district_list)]
            actor = Actor(
                id=ids.take(Actor),
                kind=kind,
                name=f"{district.name}n {rng.choice(ACTIVITIES).lower()} {suffix} {n}",
                district=district,
            )
            writer.add(actor)
            member, _ = makers[rng.randrange(len(makers))]
            writer.add(Membership(id=ids.take(Membership), actor=actor, user=member))
            organisations.append((actor, member))
        member_of = {actor.pk: member for actor, member in organisations}
        by_district_orgs: dict[int, list[Actor]] = {}
        for actor, _ in organisations:
            by_district_orgs.setdefault(actor.district_id, []).append(actor)

        # Rounds: one a half-year, the newest open (rolling); older ones closed.
        round_count = max(2, min(40, pilots // 2500))
        rounds = []
        for n in range(round_count):
            opens = today - timedelta(days=182 * (round_count - n))
            rounds.append(
                Round(
                    id=ids.take(Round),
                    name=f"Minipilotit {opens.year}/{1 + (opens.month - 1) // 6}",
                    slug=f"scale-round-{n + 1:02d}",
                    budget=Decimal("0.00"),
                    opens_on=opens,
                    closes_on=None if n == round_count - 1 else opens + timedelta(days=181),
                    decision_target_days=7,
                    report_reminder_days=[7, 14],
                )
            )
        for round_ in rounds:
            writer.add(round_)
        writer.flush()
        for agent_list in agents_by_district.values():
            agent_group = Group.objects.get(name=AGENT_GROUP)
            agent_group.user_set.add(*agent_list)
        for district in district_list:
            for agent in agents_by_district[district.pk]:
                agent.agent_districts.add(district)
        Group.objects.get(name=MANAGER_GROUP).user_set.add(*managers)
        round_districts = Round.districts.through
        round_districts.objects.bulk_create(
            round_districts(round_id=r.pk, district_id=d.pk) for r in rounds for d in district_list
        )
        say(f"{len(makers)} makers, {len(organisations)} organisations, {len(rounds)} rounds")

        granted_per_round: dict[int, Decimal] = {r.pk: Decimal("0.00") for r in rounds}
        paid_per_round: dict[int, Decimal] = {r.pk: Decimal("0.00") for r in rounds}
        terms_cache: dict[str, set[str]] = {}
        partner_through = Idea.partners.through
        lesson_themes = Lesson.themes.through
        current = rounds[-1]
        for n in range(pilots):
            in_current = n >= pilots * (round_count - 1) / round_count
            round_ = current if in_current else rounds[n * round_count // pilots]
            if in_current:
                mix = CURRENT_MIX
            elif round_ is rounds[-2]:
                mix = PAST_MIX
            else:
                mix = SETTLED_MIX
            status = _weighted(rng, mix)
            district = district_list[rng.randrange(len(district_list))]
            agent = agents_by_district[district.pk][rng.randrange(2)]
            if rng.random() < 0.25 and by_district_orgs.get(district.pk):
                applicant = rng.choice(by_district_orgs[district.pk])
                creator = member_of[applicant.pk]
            else:
                creator, applicant = makers[rng.randrange(len(makers))]
            activity, place = rng.choice(ACTIVITIES), rng.choice(PLACES)
            title = f"{activity} {place}"
            local = LOCAL_NAMES[int(rng.paretovariate(0.6) * 7) % len(LOCAL_NAMES)]
            need, plan = rng.choice(NEEDS), f"{rng.choice(PLANS)} Paikkana {local}."

            # The calendar of the idea, consistent with its status and today.
            if status in {Status.DRAFT, Status.SUBMITTED, Status.NEEDS_INFO, Status.APPROVED}:
                created = today - timedelta(days=rng.randrange(0, 12))
            elif in_current:
                created = today - timedelta(days=rng.randrange(1, 170))
            else:
                created = round_.opens_on + timedelta(days=rng.randrange(0, 150))
            submitted = created + timedelta(days=rng.randrange(0, 3))
            decided = submitted + timedelta(days=rng.choice([0, 1, 1, 2, 3, 5, 7, 9, 14]))
            length = timedelta(days=rng.randrange(14, 90))
            if status == Status.APPROVED:
                decided = min(decided, today)
                starts = today + timedelta(days=rng.randrange(1, 30))
            elif status == Status.RUNNING:
                decided = min(decided, today - timedelta(days=1))
                starts = today - timedelta(days=rng.randrange(0, 30))
                length = timedelta(days=rng.randrange(30, 90))
            elif status == Status.REPORT_DUE:
                ends_ago = rng.randrange(1, 60)
                starts = today - timedelta(days=ends_ago) - length
                decided = min(decided, starts)
            else:
                starts = decided + timedelta(days=rng.randrange(3, 20))
            ends = starts + length
            if status in {Status.REPORTED, Status.CLOSED} and ends >= today:
                ends = today - timedelta(days=1)
                starts = min(starts, ends)
            if status == Status.DRAFT:
                submitted_at = decided_at = None
            else:
                submitted_at = _aware(submitted, 9 + rng.randrange(8))
                decided_at = (
                    _aware(decided, 9 + rng.randrange(8))
                    if status not in {Status.SUBMITTED, Status.NEEDS_INFO, Status.WITHDRAWN}
                    else None
                )
                if decided_at is not None and decided_at < submitted_at:
                    decided_at = submitted_at + timedelta(hours=2)
            amount = Decimal(rng.choice(["500.00", "500.00", "500.00", "300.00", "800.00"]))
            idea = Idea(
                id=ids.take(Idea),
                round=round_,
                applicant=applicant,
                created_by=creator,
                title=title,
                need=need,
                plan=plan,
                age_groups=sorted(rng.sample(AGE_GROUPS, rng.randrange(1, 4))),
                district=district,
                starts_on=starts,
                ends_on=ends,
                amount=amount,
                status=status,
                created_at=_aware(created, 8),
                submitted_at=submitted_at,
                decision_due_at=(
                    submitted_at + timedelta(days=round_.decision_target_days)
                    if submitted_at
                    else None
                ),
                decision_half_at=(
                    submitted_at + timedelta(days=round_.decision_target_days / 2)
                    if submitted_at
                    else None
                ),
                decided_at=decided_at,
                decision_reason="Ei sovi tämän kierroksen ehtoihin."
                if status == Status.DECLINED
                else "",
                info_request="Keitä kumppaneita on mukana?" if status == Status.NEEDS_INFO else "",
            )
            writer.add(idea)
            for k in range(2):
                writer.add(
                    BudgetLine(
                        id=ids.take(BudgetLine),
                        idea=idea,
                        description=["Tarvikkeet", "Tarjoilu", "Tilavuokra"][k],
                        amount=(amount / 2).quantize(Decimal("0.01")),
                    )
                )
            if rng.random() < 0.35 and organisations:
                for partner in {
                    organisations[rng.randrange(len(organisations))][0]
                    for _ in range(rng.randrange(1, 3))
                }:
                    if partner is not applicant:
                        writer.add_through(
                            partner_through,
                            partner_through(idea_id=idea.pk, actor_id=partner.pk),
                        )

            # Its history, one row per status change.
            previous = Status.DRAFT
            moment = last_moment = _aware(created, 8)
            writer.add(
                StatusChange(
                    id=ids.take(StatusChange),
                    idea=idea,
                    by=creator,
                    action=Action.CREATE,
                    from_status=Status.DRAFT,
                    to_status=Status.DRAFT,
                    created_at=moment,
                )
            )
            for action in PATHS[status]:
                target = TARGET[action]
                if action == Action.SUBMIT:
                    moment = submitted_at
                elif action in {Action.APPROVE, Action.DECLINE, Action.ASK_INFO}:
                    moment = decided_at or submitted_at + timedelta(hours=3)
                elif action == Action.START:
                    moment = _aware(starts, 6)
                elif action == Action.REQUEST_REPORT:
                    moment = _aware(ends + timedelta(days=1), 6)
                else:
                    moment = moment + timedelta(days=rng.randrange(1, 10))
                # One change after another, even where the calendar squeezes them together.
                moment = max(moment, last_moment + timedelta(minutes=1))
                last_moment = moment
                actor_user = (
                    agent
                    if action in {Action.APPROVE, Action.DECLINE, Action.ASK_INFO, Action.CLOSE}
                    else None
                    if action in {Action.START, Action.REQUEST_REPORT}
                    else creator
                )
                writer.add(
                    StatusChange(
                        id=ids.take(StatusChange),
                        idea=idea,
                        by=actor_user,
                        action=action,
                        from_status=previous,
                        to_status=target,
                        created_at=moment,
                    )
                )
                previous = target

            notes = []
            if status != Status.DRAFT:
                notes += [("idea_received", creator, f"idea_received:{idea.pk}:{creator.pk}")]
                notes += [("idea_submitted", agent, f"idea_submitted:{idea.pk}:{agent.pk}")]
            if decided_at is not None:
                notes += [("idea_decided", creator, f"idea_decided:{idea.pk}:{creator.pk}")]

            if status in WITH_GRANT:
                paid = status != Status.APPROVED or rng.random() < 0.5
                grant_amount = amount if rng.random() < 0.9 else Decimal("400.00")
                writer.add(
                    Grant(
                        id=ids.take(Grant),
                        idea=idea,
                        round=round_,
                        amount=grant_amount,
                        decided_by=agent,
                        decided_at=decided_at,
                        paid_by=agent if paid else None,
                        paid_marked_at=decided_at + timedelta(days=2) if paid else None,
                        payment_state=Grant.Payment.PAID if paid else Grant.Payment.TO_PAY,
                        paid_on=(decided_at + timedelta(days=2)).date() if paid else None,
                        payment_reference=f"MP-{idea.pk}" if paid else "",
                    )
                )
                granted_per_round[round_.pk] += grant_amount
                if paid:
                    paid_per_round[round_.pk] += grant_amount
                if paid:
                    notes += [("grant_paid", creator, f"grant_paid:{idea.pk}:{creator.pk}")]
            if status in {Status.REPORT_DUE, Status.REPORTED, Status.CLOSED} or (
                status == Status.RUNNING and ends <= today + timedelta(days=3)
            ):
                notes += [("pilot_ending_soon", creator, f"pilot_ending_soon:{idea.pk}:")]
            if status in {Status.REPORT_DUE, Status.REPORTED, Status.CLOSED}:
                notes += [("report_request", creator, f"report_request:{idea.pk}:")]
                late = (today - ends).days if status == Status.REPORT_DUE else 99
                for day in (7, 14):
                    if late >= day:
                        notes += [("report_reminder", creator, f"report_reminder:{day}:{idea.pk}:")]
                if status == Status.REPORT_DUE and late >= 21:
                    for told in agents_by_district[district.pk]:
                        notes += [("report_overdue", told, f"report_overdue:{idea.pk}:{told.pk}")]
            if status in WITH_REPORT:
                notes += [("closing_report_received", agent, f"closing_report_received:{idea.pk}")]
                report_at = _aware(ends + timedelta(days=rng.randrange(1, 10)), 12)
                failed = rng.choice(FAILED)
                report = ClosingReport(
                    id=ids.take(ClosingReport),
                    idea=idea,
                    district=district,
                    submitted_by=creator,
                    submitted_at=report_at,
                    what_happened=f"{title}: {rng.choice(WORKED)}",
                    participants_children=rng.randrange(0, 40),
                    participants_youth=rng.randrange(0, 30),
                    participants_adults=rng.randrange(0, 50),
                    participants_elderly=rng.randrange(0, 30),
                    actual_cost=(grant_amount * Decimal(rng.randrange(60, 101)) / 100).quantize(
                        Decimal("0.01")
                    ),
                    what_worked=rng.choice(WORKED),
                    what_did_not_work=failed,
                    novelty=rng.randrange(1, 6),
                    change=rng.randrange(1, 6),
                    usefulness=rng.randrange(1, 6),
                    continuation=rng.choices(
                        ClosingReport.Continuation.values, weights=[45, 30, 15, 10]
                    )[0],
                    publish=rng.random() < 0.6,
                )
                writer.add(report)
                for position, text in enumerate(rng.sample(LESSONS, rng.randrange(1, 4))):
                    lesson = Lesson(
                        id=ids.take(Lesson), report=report, text=text, position=position
                    )
                    writer.add(lesson)
                    if rng.random() < 0.6:
                        writer.add_through(
                            lesson_themes,
                            lesson_themes(lesson_id=lesson.pk, theme_id=rng.choice(themes).pk),
                        )
                if status == Status.CLOSED:
                    notes += [("report_accepted", creator, f"report_accepted:{idea.pk}")]
            for kind, recipient, key in notes:
                writer.add(
                    Notification(
                        id=ids.take(Notification),
                        recipient=recipient,
                        kind=kind,
                        idea=idea,
                        dedup_key=key,
                        state=Notification.State.SENT,
                        attempts=1,
                        created_at=submitted_at or _aware(created, 8),
                        sent_at=submitted_at or _aware(created, 8),
                        read_at=submitted_at if rng.random() < 0.5 else None,
                    )
                )
            if status != Status.DRAFT and rng.random() < 0.3:
                writer.add(
                    Message(
                        id=ids.take(Message),
                        idea=idea,
                        author=agent,
                        body="Kiitos ideasta! Onko tila jo sovittu?",
                        from_agent=True,
                        created_at=submitted_at + timedelta(hours=5),
                    )
                )

            terms: set[str] = set()
            for text in (activity, place, need, plan.split(" Paikkana ")[0], local):
                if text not in terms_cache:
                    terms_cache[text] = terms_of(text)
                terms |= terms_cache[text]
            for term in sorted(terms):
                writer.add_raw(IdeaTerm, (ids.take(IdeaTerm), idea.pk, term))
            # A synthetic vector of the right shape (quality is measured by `make eval`, speed
            # here): near its activity's direction, so that lookups find neighbours.
            vector = _synthetic_vector(vectors, activity, vector_rng)
            writer.add_raw(
                IdeaEmbedding,
                (vector, embedding_version, "synthetic", embedded_at, idea.pk, "fi", vector),
            )

            if (n + 1) % BATCH == 0:
                writer.flush()
                say(f"{n + 1} pilots")
        writer.flush()

        # Budgets hold: each round's budget covers its grants with room to spare.
        for round_ in rounds:
            granted = granted_per_round[round_.pk]
            budget = max(Decimal("10000.00"), (granted * Decimal("1.25")).quantize(Decimal("1")))
            Round.objects.filter(pk=round_.pk).update(
                granted_total=granted, paid_total=paid_per_round[round_.pk], budget=budget
            )
        _reset_sequences(_Writer.ORDER + [District, Theme])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts
