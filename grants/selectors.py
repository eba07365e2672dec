"""Every read of the grants app that is more than a get()."""

import math
from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from actors import roles
from actors.models import Actor, District, User

from .models import (
    Attachment,
    Grant,
    Idea,
    IdeaTerm,
    Lesson,
    Message,
    Payee,
    PaymentBatch,
    Round,
    StatusChange,
    TermStat,
)
from .similarity import terms_of
from .workflow import AWAITING_DECISION, GRANTED_STATUSES, PAST_STATUSES, Status


def open_rounds(*, today: date) -> QuerySet[Round]:
    return (
        Round.objects.filter(opens_on__lte=today)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .prefetch_related("districts")
    )


def round_for_district(*, district: District, today: date) -> Round | None:
    """The open round that covers the district; the most recently opened one wins."""
    rounds = open_rounds(today=today).prefetch_related(None)
    return rounds.filter(districts=district).order_by("-opens_on", "-id").first()


def round_for_administrator() -> QuerySet[Round]:
    return Round.objects.prefetch_related("districts")


def rounds_for_administrator() -> list[Round]:
    """Every round, the newest first, each with how many of its ideas wait for a decision (a
    round is not closed while some do): counted among the waiting ideas alone, by their status
    index, not over every idea of every round."""
    waiting = dict(
        Idea.objects.filter(status__in=[*AWAITING_DECISION, Status.NEEDS_INFO])
        .values("round_id")
        .annotate(n=Count("id"))
        .values_list("round_id", "n")
    )
    # The districts' names as rows, not objects: a round may cover many districts.
    from django.utils.translation import get_language

    language = (get_language() or "fi")[:2]
    names: dict[int, list[str]] = {}
    for round_id, *by_language in Round.districts.through.objects.order_by(
        "district__slug"
    ).values_list("round_id", "district__name_fi", f"district__name_{language}"):
        names.setdefault(round_id, []).append(by_language[1] or by_language[0])
    rounds = list(Round.objects.order_by("-opens_on", "-id"))
    for round_ in rounds:
        round_.waiting = waiting.get(round_.pk, 0)
        round_.district_names = names.get(round_.pk, [])
    return rounds


def public_round(*, round_id: int) -> Round | None:
    """A round as its public page shows it: any round, open, coming or closed (its rules and
    dates are public)."""
    return Round.objects.filter(pk=round_id).first()


def round_district_names(*, round_: Round) -> list[str]:
    """The names of a round's districts in the reader's language, in alphabetical order."""
    return sorted((district.name for district in round_.districts.all()), key=str.casefold)


def districts_with_open_rounds(*, today: date) -> QuerySet[District]:
    return District.objects.filter(
        rounds__in=Round.objects.filter(opens_on__lte=today).filter(
            Q(closes_on__isnull=True) | Q(closes_on__gte=today)
        )
    ).distinct()


def idea_is_owned_by(*, idea: Idea, user) -> bool:
    """The person who created the idea, or a member of the actor that applied."""
    if user is None or not user.is_authenticated:
        return False
    if idea.created_by_id == user.pk:
        return True
    return idea.applicant.memberships.filter(user=user).exists()


def ideas_of_user(*, user: User) -> QuerySet[Idea]:
    # The person's actors first (a few ids), so the ideas come by two index lookups, not a scan.
    from actors.permission_cache import actor_ids_of

    actor_ids = actor_ids_of(user)
    return (
        Idea.objects.filter(Q(created_by=user) | Q(applicant_id__in=actor_ids))
        .select_related("district", "round", "grant", "closing_report")
        .order_by("-updated_at")
    )


def idea_alone(*, idea_id: int, fields: tuple[str, ...] = ()) -> Idea | None:
    """The idea's own row (or those of its fields and its time of change), without its history,
    files or messages."""
    ideas = Idea.objects.filter(pk=idea_id)
    if fields:
        ideas = ideas.only(*fields, "updated_at")
    return ideas.first()


def idea_detail(*, idea_id: int) -> Idea:
    return (
        Idea.objects.select_related(
            "district", "round", "applicant", "created_by", "grant", "closing_report"
        )
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related("by").order_by("created_at", "id"),
            ),
            "closing_report__lessons",
            "partners",
            "budget_lines",
            "attachments",
        )
        .get(pk=idea_id)
    )


def in_agent_scope(queryset: QuerySet[Idea], *, user) -> QuerySet[Idea]:
    """Only the districts the agent works for, when they are limited to some."""
    scope = roles.district_ids_in_scope(user)
    return queryset if scope is None else queryset.filter(district_id__in=scope)


QUEUE_UNSHOWN = ("need", "plan", "decision_reason", "info_request", "info_answer")


def agent_queue(*, user=None, params=None):
    """Ideas waiting for a decision, the longest-waiting first, filtered by the URL's params.

    Returns the FilterSet; its `.qs` is the queue.
    """
    from .filters import QueueFilter

    # The rows show neither the texts nor the answers: they stay in the database.
    ideas = (
        Idea.objects.filter(status__in=[*AWAITING_DECISION, Status.NEEDS_INFO], held_reason="")
        .select_related("district", "round", "applicant")
        .defer(*QUEUE_UNSHOWN)
    )
    scope = None
    if user is not None:
        ideas = in_agent_scope(ideas, user=user)
        scope = roles.district_ids_in_scope(user)
    return QueueFilter(
        params,
        queryset=ideas.order_by("submitted_at", "id"),
        district_ids=scope,
        rounds=rounds_in_play(today=timezone.localdate()),
    )


def status_counts(*, user) -> dict[str, int]:
    """How many ideas are in each status, within the agent's districts, in one query."""
    ideas = in_agent_scope(Idea.objects.exclude(status=Status.DRAFT), user=user)
    return dict(ideas.values("status").annotate(n=Count("id")).values_list("status", "n"))


def moderation_list(*, user=None) -> QuerySet[Idea]:
    """Submissions that look like spam, waiting for an agent to release or decline them."""
    ideas = Idea.objects.all() if user is None else in_agent_scope(Idea.objects.all(), user=user)
    return (
        ideas.filter(status=Status.SUBMITTED)
        .exclude(held_reason="")
        .select_related("district", "applicant", "created_by")
        .order_by("submitted_at", "id")
    )


FOLLOW_UP_ROWS = 20
# The payments listed on the dashboard; the finance CSV has them all.
TO_PAY_ROWS = 20
ENDING_SOON_DAYS = 7
REPORT_OVERDUE_DAYS = 14


def agent_follow_up(*, user, today: date) -> dict[str, QuerySet]:
    """The pilots an agent follows after the decision, each list bounded."""
    # The lists show a title and a date, so they read just those columns.
    pilots = in_agent_scope(Idea.objects.all(), user=user).only("id", "title", "ends_on")
    return {
        "approved": pilots.filter(status=Status.APPROVED).order_by("starts_on", "id")[
            :FOLLOW_UP_ROWS
        ],
        "running": pilots.filter(status=Status.RUNNING).order_by("ends_on", "id")[:FOLLOW_UP_ROWS],
        "ending_soon": pilots.filter(
            status=Status.RUNNING,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=ENDING_SOON_DAYS),
        ).order_by("ends_on", "id")[:FOLLOW_UP_ROWS],
        "reports_overdue": pilots.filter(
            status=Status.REPORT_DUE, ends_on__lt=today - timedelta(days=REPORT_OVERDUE_DAYS)
        ).order_by("ends_on", "id")[:FOLLOW_UP_ROWS],
        "reported": pilots.filter(status=Status.REPORTED).order_by("updated_at", "id")[
            :FOLLOW_UP_ROWS
        ],
    }


def grants_to_pay(*, user) -> QuerySet[Grant]:
    grants = Grant.objects.filter(payment_state=Grant.Payment.TO_PAY)
    scope = roles.district_ids_in_scope(user)
    if scope is not None:
        grants = grants.filter(idea__district_id__in=scope)
    return grants.select_related(
        "idea__district", "idea__applicant__payee", "round", "batch"
    ).order_by("decided_at", "id")


def payment_batches(*, user) -> QuerySet[PaymentBatch]:
    """The batches an agent may see: those whose every grant is in the agent's districts."""
    batches = PaymentBatch.objects.all()
    scope = roles.district_ids_in_scope(user)
    if scope is not None:
        batches = batches.exclude(
            grants__idea__district_id__in=District.objects.exclude(pk__in=scope).values("pk")
        )
    return batches.select_related("created_by", "paid_by")


def batch_grants(*, batch: PaymentBatch) -> QuerySet[Grant]:
    return (
        Grant.objects.filter(batch=batch)
        .select_related("idea__district", "idea__applicant__payee", "round")
        .order_by("pk")
    )


# Rounds closed longer ago than this are settled: the money view and the queue's filter show
# the rounds still in play.
MONEY_ROUNDS_DAYS = 365


def rounds_in_play(*, today: date) -> QuerySet[Round]:
    """The open rounds and those closed within a year, the newest first."""
    recent = Q(closes_on__isnull=True) | Q(closes_on__gte=today - timedelta(days=MONEY_ROUNDS_DAYS))
    return Round.objects.filter(recent).order_by("-opens_on", "id")


def rounds_money(*, today: date) -> QuerySet[Round]:
    """Each open or recent round's budget with what is granted, paid and left: sums the round
    keeps, so this costs the same however many grants and rounds there are."""
    return rounds_in_play(today=today)


def granted_pilots(*, district: District | None = None) -> QuerySet[Idea]:
    pilots = Idea.objects.filter(status__in=GRANTED_STATUSES)
    if district is not None:
        pilots = pilots.filter(district=district)
    return pilots.select_related("district", "applicant", "grant", "closing_report").order_by(
        "-starts_on", "-id"
    )


def lessons_of_district(*, district: District) -> QuerySet[Lesson]:
    return (
        Lesson.objects.filter(report__idea__district=district)
        .select_related("report__idea")
        .order_by("-report__submitted_at", "position")
    )


def pilots_due_to_start(*, today: date) -> QuerySet[Idea]:
    return Idea.objects.filter(status=Status.APPROVED, starts_on__lte=today).order_by("id")


def pilots_due_to_end(*, today: date) -> QuerySet[Idea]:
    return Idea.objects.filter(status=Status.RUNNING, ends_on__lte=today).order_by("id")


def resident_agents() -> QuerySet[User]:
    """Everyone who decides on ideas: members of the agents' role, or given the right directly."""
    app_label, codename = roles.DECIDE_IDEAS.split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    # The few ids first, from the role and from the direct rights (one query): an OR across the
    # joins would read every person in the country.
    via_role = User.groups.through.objects.filter(group__permissions=permission).values_list(
        "user_id", flat=True
    )
    direct = User.user_permissions.through.objects.filter(permission=permission).values_list(
        "user_id", flat=True
    )
    ids = set(via_role.union(direct))
    return User.objects.filter(is_active=True, pk__in=ids).order_by("id")


# A term found in more than this share of past pilots says little about any of them; nor does
# one found in more than MAX_POSTINGS of them, however many pilots there are.
COMMON_TERM_SHARE = 0.2
MAX_POSTINGS = 500
# The rarest terms of a text that are looked up: enough to find what is alike, and a bound on the
# work per lookup.
MAX_TERMS = 12
MIN_MATCHED_TERMS = 2
SIMILAR_SHOWN = 3
SIMILAR_FOR_PARTNERS = 20


def _term_frequencies(terms: set[str]) -> tuple[int, dict[str, int]]:
    """How many past pilots there are, and how many use each term: from the statistics Celery
    keeps (TermStat), or counted now where they have not been made yet."""
    stats = dict(TermStat.objects.filter(term__in=terms | {""}).values_list("term", "pilots"))
    if "" in stats:
        return stats.pop(""), stats
    past = IdeaTerm.objects.filter(idea__status__in=PAST_STATUSES, term__in=terms)
    frequency = dict(past.values("term").annotate(n=Count("id")).values_list("term", "n"))
    return Idea.objects.filter(status__in=PAST_STATUSES).count(), frequency


def _term_weights(text: str) -> dict[str, float]:
    """The text's rarest terms and their weights (rarer weighs more); none when fewer than
    MIN_MATCHED_TERMS are rare enough to tell ideas apart."""
    terms = terms_of(text)
    if not terms:
        return {}
    pilot_count, frequency = _term_frequencies(terms)
    ceiling = min(MAX_POSTINGS, max(5, pilot_count * COMMON_TERM_SHARE))
    rare = sorted((n, term) for term, n in frequency.items() if 0 < n <= ceiling)[:MAX_TERMS]
    weights = {term: math.log(1 + pilot_count / n) for n, term in rare}
    return weights if len(weights) >= MIN_MATCHED_TERMS else {}


def _term_scores(
    *, weights: dict[str, float], exclude_idea_id: int | None, count: int
) -> list[tuple[int, float]]:
    """Ideas sharing the most, and the rarest, of the weighted terms: (idea id, score) best
    first.

    Only the text's rarest terms are looked up, each in at most MAX_POSTINGS pilots, and the
    database scores and ranks the ideas: the work is bounded, not grown with the pilots.
    """
    if not weights:
        return []
    matches = IdeaTerm.objects.filter(term__in=weights)
    if exclude_idea_id is not None:
        matches = matches.exclude(idea_id=exclude_idea_id)
    score = Case(
        *[When(term=term, then=Value(weight)) for term, weight in weights.items()],
        output_field=FloatField(),
    )
    return list(
        matches.values("idea_id")
        .annotate(score=Sum(score), matched=Count("id"))
        .filter(matched__gte=MIN_MATCHED_TERMS)
        .order_by("-score", "idea_id")
        .values_list("idea_id", "score")[:count]
    )


# What a similar pilot is shown and linked with (grants/partials/similar_pilots.html, the idea
# mill): its long texts and the report's other answers are not read.
SIMILAR_FIELDS = (
    "id",
    "title",
    "status",
    "round_id",
    "applicant_id",
    "district",
    "closing_report__id",
    "closing_report__idea_id",
    "closing_report__publish",
    "closing_report__continuation",
    "closing_report__what_did_not_work",
)


def _pilots_in_order(
    ids: list[int], *, statuses, scores: dict[int, float], limit: int, hits=None, **where
):
    """The first `limit` of the ranked ids that qualify, loaded with their report and lessons.
    The best candidates are loaded a batch at a time (most qualify: one batch, one query), and
    kept where they qualify: their status and `where`, and for `hits` by meaning, the vector
    they were ranked by still being the idea's."""
    from . import meaning

    pilots: list[Idea] = []
    batch = 2 * limit + 4
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        found = (
            Idea.objects.filter(pk__in=chunk, status__in=statuses, **where)
            .select_related("district", "closing_report")
            .only(*SIMILAR_FIELDS)
            .annotate(vector_at=F("embedding__computed_at"))
            .order_by()
            .in_bulk()
        )
        for idea_id in chunk:
            pilot = found.get(idea_id)
            if pilot is None or (
                hits is not None and not meaning.is_current(hits[idea_id], pilot.vector_at)
            ):
                continue
            pilot.similarity = scores.get(idea_id, 0.0)
            pilots.append(pilot)
        if len(pilots) >= limit:
            break
    pilots = pilots[:limit]
    prefetch_related_objects(pilots, "closing_report__lessons")
    return pilots


# Similar by meaning (grants/meaning.py: centred cosines, shown only when the best stands out),
# plus a little for rare words shared with the text (the same names and terms in the same
# language). Calibrated on the evaluation's tuning split (devtools/evaluation, docs/learning.md).
LEXICAL_WEIGHT = 0.03
SEMANTIC_CANDIDATES = 60

# The ideas of a round that the mill compares with the idea at hand.
ROUND_IDEA_STATUSES = (
    Status.SUBMITTED,
    Status.NEEDS_INFO,
    Status.APPROVED,
    Status.RUNNING,
    Status.REPORT_DUE,
)


def ranking_problem() -> str:
    """Why similar pilots are found by words only, in plain words ("" when by meaning)."""
    from common import embeddings

    return embeddings.unavailable_reason()


def ranking_method() -> str:
    """ "meaning" when the embedding model serves this process, else "words"."""
    from . import meaning

    return "meaning" if meaning.available() else "words"


class Question:
    """What similar pilots are asked with: the text and its vector as a question (None: by words
    alone). The text's rare words are weighed once however many lookups ask the same question
    (the idea mill asks two)."""

    def __init__(self, text: str, vector=None):
        self.text, self.vector = text, vector
        self._weights: dict | None = None
        self._terms: dict = {}

    @property
    def weights(self) -> dict[str, float]:
        if self._weights is None:
            self._weights = _term_weights(self.text)
        return self._weights

    def term_scores(self, *, exclude_idea_id: int | None, count: int):
        """(idea id, score) best first, and the weight of all the text's terms (a score's
        ceiling); looked up once for all the lookups of the question."""
        if exclude_idea_id not in self._terms:
            ranked = _term_scores(
                weights=self.weights,
                exclude_idea_id=exclude_idea_id,
                count=max(count, TERM_CANDIDATES),
            )
            self._terms[exclude_idea_id] = (ranked, sum(self.weights.values()))
        ranked, total = self._terms[exclude_idea_id]
        return ranked[:count], total

    def looked_up(self, exclude_idea_id: int | None):
        """The term scores looked up for `exclude_idea_id` (None if not yet), to be kept."""
        return self._terms.get(exclude_idea_id)

    def knows(self, exclude_idea_id: int | None, looked_up) -> None:
        """Term scores looked up earlier for the same text and counts (kept by the idea mill)."""
        ranked, total = looked_up
        self._terms[exclude_idea_id] = ([tuple(row) for row in ranked], total)


TERM_CANDIDATES = 50


def question_for(*, text: str, idea_id: int | None = None) -> Question:
    """The question of a text; with `idea_id`, the idea's text as a question stored beside its
    vector where it has a current one (so the model need not run while the agent waits)."""
    from common.embeddings import EmbeddingsUnavailable

    from . import meaning

    if not meaning.available():
        return Question(text)
    if idea_id is not None:
        stored = meaning.stored_question(idea_id)
        if stored is not None:
            return Question(text, stored)
    try:
        return Question(text, meaning.query_vector(text))
    except EmbeddingsUnavailable:
        return Question(text)


# A narrowed lookup (a round's ideas) ranks only the ideas that qualify, up to this many; more
# than that, and the best of all ideas are filtered instead.
NARROWED_MAX = 20000


def similar_pilots(
    *,
    text: str = "",
    question: Question | None = None,
    exclude_idea_id: int | None = None,
    limit: int = 3,
    statuses=PAST_STATUSES,
    **where,
) -> list[Idea]:
    """Past pilots (any district) most like the text, best first, each with its `similarity`;
    none when nothing is similar enough. By meaning where the embedding model serves this
    process, else by shared rare words (the ranking before it). `where` narrows the ideas (a
    round, for the ideas of the current round); `question` (see `question_for`) serves several
    lookups of the same text."""
    from . import meaning

    question = question or question_for(text=text)
    if question.vector is None:
        ranked, _total = question.term_scores(exclude_idea_id=exclude_idea_id, count=limit * 2 + 10)
        ids = [idea_id for idea_id, _score in ranked]
        return _pilots_in_order(ids, statuses=statuses, scores={}, limit=limit, **where)
    among, round_id = None, None
    if set(where) == {"round_id"}:
        # A round's ideas: the index knows each idea's round (their status is checked below).
        round_id = where["round_id"]
    elif where:
        among = list(
            Idea.objects.filter(status__in=statuses, **where)
            .exclude(pk=exclude_idea_id)
            .values_list("pk", flat=True)[: NARROWED_MAX + 1]
        )
        if len(among) > NARROWED_MAX:
            among = None
    # Some of a round's ideas will not qualify (declined, withdrawn): its best ROUND_CANDIDATES
    # are ranked, and all of them where too few of those qualify.
    count = ROUND_CANDIDATES if round_id is not None else SEMANTIC_CANDIDATES
    while True:
        ranking = meaning.rank(question.vector, count=count, among=among, round_id=round_id)
        candidates = _qualifying(ranking, question, exclude_idea_id, statuses, where)
        everything = count >= NARROWED_MAX or len(ranking.hits) < count
        if round_id is None or len(candidates) >= BACKGROUND_POOL or everything:
            break
        count = NARROWED_MAX
    shown = ranking.shown([pilot.similarity for pilot in candidates])
    return candidates[: min(limit, shown)]


# A round's best ideas by meaning that are checked first (see `similar_pilots`).
ROUND_CANDIDATES = 200


def _qualifying(ranking, question: Question, exclude_idea_id, statuses, where) -> list[Idea]:
    """The best BACKGROUND_POOL of the ranked ideas that qualify, by meaning and a little for
    the rare words shared."""
    scores = {hit.idea_id: hit.score for hit in ranking.hits}
    scores.pop(exclude_idea_id, None)
    if LEXICAL_WEIGHT:
        ranked, total = question.term_scores(exclude_idea_id=exclude_idea_id, count=50)
        for idea_id, score in ranked:
            if idea_id in scores and total:
                scores[idea_id] += LEXICAL_WEIGHT * min(1.0, score / total)
    ordered = sorted(scores, key=lambda idea_id: -scores[idea_id])
    return _pilots_in_order(
        ordered,
        statuses=statuses,
        scores=scores,
        limit=BACKGROUND_POOL,
        hits={hit.idea_id: hit for hit in ranking.hits},
        **where,
    )


# Enough candidates to tell whether the best stands out from the fifth best.
BACKGROUND_POOL = 8


def thread_of(*, idea: Idea, user) -> QuerySet[Message]:
    """The idea's messages that the person may read: internal notes only for agents."""
    messages = Message.objects.filter(idea=idea).select_related("author")
    if not roles.can_view_dashboard(user):
        messages = messages.filter(internal=False)
    return messages.order_by("created_at", "id")


def grants_for_finance(*, user) -> QuerySet[Grant]:
    grants = Grant.objects.all()
    scope = roles.district_ids_in_scope(user)
    if scope is not None:
        grants = grants.filter(idea__district_id__in=scope)
    return grants.select_related("idea__district", "idea__applicant", "round").order_by("id")


# How long the idea mill's findings are kept at most (a change of what they depend on ends them
# sooner: common/versions).
MILL_KEPT_SECONDS = 600


def idea_mill(*, idea: Idea, with_partners: bool) -> dict:
    """What the agent's idea mill shows of an idea: similar past pilots (with their lessons),
    similar ideas of its round (possible duplicates, or makers to introduce to each other),
    partners from similar pilots (`with_partners`) and the applicant's earlier ideas.

    What is found (ids and scores: the vectors' and words' work) is kept in the cache, in two
    parts that end apart (grants/changes.py): what the past pilots give (similar pilots and
    partners), until a past pilot, an actor or the search terms' counts change; the round's
    similar ideas, until an idea of the round changes too; both, until the idea's own text,
    vector, partners or introductions do. The rows themselves are read each time."""
    from django.core.cache import cache

    from common import versions

    past, own, round_version = versions.current_many(
        [versions.PAST_PILOTS, versions.idea_own(idea.pk), versions.round_ideas(idea.round_id)]
    )
    base = f"mill:{past}:{own}:{ranking_method()}:{idea.pk}"
    keys = {"past": f"{base}:past:{int(with_partners)}", "round": f"{base}:round:{round_version}"}
    kept = cache.get_many(list(keys.values()))
    found = {part: kept.get(key) for part, key in keys.items()}
    shown: dict[str, list] = {}
    if None in found.values():
        shown, anew = _mill_find(idea=idea, kept=found, with_partners=with_partners)
        cache.set_many({keys[part]: ids for part, ids in anew.items()}, MILL_KEPT_SECONDS)
    ids = {name: rows for part in found.values() if part for name, rows in part.items()}
    loaded = _similar_loaded(ids.get("similar", []) + ids.get("in_round", []))
    for name in ("similar", "in_round"):
        if name in ids:
            shown[name] = [loaded[pk] for pk, _score in ids[name] if pk in loaded]
    if "partners" in ids:
        partners = [pk for pk, _none in ids["partners"]]
        shown["partners"] = (
            list(Actor.objects.filter(pk__in=partners).order_by("name")) if partners else []
        )
    return {**shown, "earlier": earlier_pilots_of(idea=idea)}


# The parts of the mill's findings, and what each shows.
MILL_PARTS = (("past", ("similar", "partners")), ("round", ("in_round",)))


def _mill_find(*, idea: Idea, kept: dict, with_partners: bool) -> tuple[dict, dict]:
    """The parts of the mill's findings that were not kept, found anew: the rows shown, and the
    ids, scores and (for the past pilots' part) the words' scores to keep."""
    from . import meaning

    # What is kept under these versions must include the vectors they count (a process looks
    # for new ones at most once a second otherwise).
    meaning.look_for_new_vectors()
    question = question_for(text=f"{idea.title} {idea.need} {idea.plan}", idea_id=idea.pk)
    shown: dict[str, list] = {}
    if kept["past"] is None:
        shown.update(_mill_past(idea=idea, question=question, with_partners=with_partners))
    elif kept["past"].get("terms"):  # the words' work, done with the past pilots' part
        question.knows(idea.pk, kept["past"]["terms"])
    if kept["round"] is None:
        shown["in_round"] = similar_pilots(
            question=question,
            exclude_idea_id=idea.pk,
            statuses=ROUND_IDEA_STATUSES,
            round_id=idea.round_id,
        )
    anew = {
        part: {
            name: [(row.pk, getattr(row, "similarity", 0.0)) for row in shown[name]]
            for name in names
        }
        for part, names in MILL_PARTS
        if kept[part] is None
    }
    if "past" in anew:
        anew["past"]["terms"] = question.looked_up(idea.pk)
    return shown, anew


def _mill_past(*, idea: Idea, question: "Question", with_partners: bool) -> dict:
    # One lookup serves both the similar pilots shown and the partners suggested from them.
    similar = similar_pilots(question=question, exclude_idea_id=idea.pk, limit=SIMILAR_FOR_PARTNERS)
    return {
        "similar": similar[:SIMILAR_SHOWN],
        "partners": suggested_partners(idea=idea, similar=similar) if with_partners else [],
    }


def _similar_loaded(found: list[tuple[int, float]]) -> dict[int, Idea]:
    """Ideas found similar, by id, each with its `similarity`, loaded as the lookups load them."""
    if not found:
        return {}
    ideas = (
        Idea.objects.filter(pk__in=[pk for pk, _score in found])
        .select_related("district", "closing_report")
        .only(*SIMILAR_FIELDS)
        .order_by()
        .in_bulk()
    )
    for pk, score in found:
        if pk in ideas:
            ideas[pk].similarity = score
    prefetch_related_objects(list(ideas.values()), "closing_report__lessons")
    return ideas


def earlier_pilots_of(*, idea: Idea, limit: int = 10) -> QuerySet[Idea]:
    """The applicant's other ideas: what they did before tells the agent a lot."""
    return (
        Idea.objects.filter(applicant_id=idea.applicant_id)
        .exclude(pk=idea.pk)
        .exclude(status=Status.DRAFT)
        .select_related("district")
        .order_by("-created_at")[:limit]
    )


def suggested_partners(*, idea: Idea, similar: list[Idea] | None = None, limit: int = 5) -> list:
    """Organisations that ran related pilots in the same district, as applicants or partners,
    and have not been introduced to this idea yet."""
    from actors.models import Actor

    if similar is None:
        similar = similar_pilots(
            text=f"{idea.title} {idea.need} {idea.plan}",
            exclude_idea_id=idea.pk,
            limit=SIMILAR_FOR_PARTNERS,
        )
    related = [pilot.pk for pilot in similar if pilot.district_id == idea.district_id]
    if not related:
        return []
    # Not those introduced already, the applicant itself, nor the idea's own partners.
    already = set(idea.introductions.values_list("actor_id", flat=True)) | {idea.applicant_id}
    already |= set(
        Idea.partners.through.objects.filter(idea_id=idea.pk).values_list("actor_id", flat=True)
    )
    # The related pilots' applicants and partners by their ids: two index lookups, not an OR
    # across two joins.
    candidates = set(Idea.objects.filter(pk__in=related).values_list("applicant_id", flat=True))
    candidates |= set(
        Idea.partners.through.objects.filter(idea_id__in=related).values_list("actor_id", flat=True)
    )
    actors = (
        Actor.objects.filter(pk__in=candidates - already)
        .exclude(kind=Actor.Kind.RESIDENT)
        .order_by("name")
    )
    return list(actors[:limit])


def reason_templates():
    from .models import ReasonTemplate

    return ReasonTemplate.objects.filter(active=True)


def agents_of(*, idea: Idea) -> QuerySet[User]:
    """The resident agents who work for the idea's district."""
    return (
        resident_agents()
        .filter(Q(agent_districts__isnull=True) | Q(agent_districts=idea.district_id))
        .distinct()
    )


def notifications_of(*, user) -> QuerySet:
    from .models import Notification

    return (
        Notification.objects.filter(recipient=user)
        .select_related("idea")
        .order_by("-created_at", "-id")[:100]
    )


def failed_notifications(*, user) -> QuerySet:
    """Messages that could not be delivered, for the agent to follow up by other means."""
    from .models import Notification

    failed = Notification.objects.filter(state=Notification.State.FAILED)
    scope = roles.district_ids_in_scope(user)
    if scope is not None:
        failed = failed.filter(idea__district_id__in=scope)
    return failed.select_related("recipient", "idea").order_by("-created_at")[:20]


def story_is_public(idea: Idea) -> bool:
    """A pilot's story (its title, report and lessons) is public once its makers have reported
    and agreed to publish it: the one rule of the showcase, the pilot pages and the open data."""
    report = getattr(idea, "closing_report", None)
    return idea.status in PAST_STATUSES and bool(report and report.publish)


def showcase_pilots() -> QuerySet[Idea]:
    """Reported pilots whose makers agreed to publish their story, cost and lessons (the rule
    of `story_is_public`)."""
    return (
        Idea.objects.filter(status__in=PAST_STATUSES, closing_report__publish=True)
        .select_related("district", "applicant", "grant", "closing_report", "city_decision")
        .order_by("-closing_report__submitted_at", "-id")
    )


def showcase_photo(*, idea_id: int) -> Attachment | None:
    """The photo of a published pilot that its makers allowed to be shown, else None."""
    return (
        Attachment.objects.filter(
            idea_id=idea_id,
            idea__status__in=PAST_STATUSES,
            idea__closing_report__publish=True,
            idea__closing_report__photo_public=True,
            idea__closing_report__photo=F("pk"),
            content_type__startswith="image/",
        )
        .only("file", "content_type", "created_at")
        .first()
    )


def repeats_of(*, pilot: Idea) -> int:
    """How many ideas (sent, not drafts) started from this pilot's page."""
    return Idea.objects.filter(origin=pilot).exclude(status=Status.DRAFT).count()


def district_slugs_in_scope(user) -> list[str] | None:
    """The districts an agent's work is limited to, by slug, or None for every district."""
    ids = roles.district_ids_in_scope(user)
    if ids is None:
        return None
    return list(District.objects.filter(pk__in=ids).values_list("slug", flat=True))


def decision_owners() -> QuerySet[User]:
    """The people who may own the city's decision on a pilot: its staff (agents and managers)."""
    return (
        User.objects.filter(
            is_active=True, groups__name__in=[roles.AGENT_GROUP, roles.MANAGER_GROUP]
        )
        .distinct()
        .order_by("full_name", "email")
    )


def payee_needed(*, idea) -> bool:
    """The idea has a grant still to pay and an applicant paid by bank transfer (a city unit
    is paid within the city's own accounts)."""
    grant = getattr(idea, "grant", None)
    return (
        grant is not None
        and grant.payment_state == Grant.Payment.TO_PAY
        and idea.applicant.kind != Actor.Kind.CITY_UNIT
    )


def payee_of(*, actor) -> Payee | None:
    """Where the actor's grants are paid, if its makers have said."""
    return Payee.objects.filter(actor=actor).first()
