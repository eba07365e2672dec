"""Every read of the grants app that is more than a get()."""

import math
from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from actors import roles
from actors.models import District, User

from .models import Grant, Idea, IdeaTerm, Lesson, Message, Round, StatusChange
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
    return open_rounds(today=today).filter(districts=district).order_by("-opens_on", "-id").first()


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
    return (
        Idea.objects.filter(Q(created_by=user) | Q(applicant__memberships__user=user))
        .distinct()
        .select_related("district", "round", "grant", "closing_report")
        .order_by("-updated_at")
    )


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


def agent_queue(*, user=None, params=None):
    """Ideas waiting for a decision, the longest-waiting first, filtered by the URL's params.

    Returns the FilterSet; its `.qs` is the queue.
    """
    from .filters import QueueFilter

    ideas = Idea.objects.filter(
        status__in=[*AWAITING_DECISION, Status.NEEDS_INFO], held_reason=""
    ).select_related("district", "round", "applicant")
    if user is not None:
        ideas = in_agent_scope(ideas, user=user)
    queue = QueueFilter(params, queryset=ideas.order_by("submitted_at", "id"))
    return queue


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
ENDING_SOON_DAYS = 7
REPORT_OVERDUE_DAYS = 14


def agent_follow_up(*, user, today: date) -> dict[str, QuerySet]:
    """The pilots an agent follows after the decision, each list bounded."""
    pilots = in_agent_scope(Idea.objects.all(), user=user).select_related(
        "district", "applicant", "grant"
    )
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
    return grants.select_related("idea__district", "idea__applicant", "round").order_by(
        "decided_at", "id"
    )


def rounds_money() -> QuerySet[Round]:
    """Each round's budget with what is granted, paid and left."""
    return Round.objects.annotate(
        paid=Sum("grants__amount", filter=Q(grants__payment_state=Grant.Payment.PAID)),
        grant_count=Count("grants"),
    ).order_by("-opens_on", "id")


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
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
        .order_by("id")
    )


# A term found in more than this share of past pilots says little about any of them.
COMMON_TERM_SHARE = 0.2
MIN_MATCHED_TERMS = 2


def similar_pilots(*, text: str, exclude_idea_id: int | None = None, limit: int = 3) -> list[Idea]:
    """Past pilots (any district) that share the most, and the rarest, terms with the text.

    Work is bounded by the rare terms of the text, not by the number of pilots.
    """
    terms = terms_of(text)
    if not terms:
        return []
    past = IdeaTerm.objects.filter(idea__status__in=PAST_STATUSES)
    pilot_count = Idea.objects.filter(status__in=PAST_STATUSES).count()
    frequency = dict(
        past.filter(term__in=terms).values("term").annotate(n=Count("id")).values_list("term", "n")
    )
    ceiling = max(5, pilot_count * COMMON_TERM_SHARE)
    weights = {term: math.log(1 + pilot_count / n) for term, n in frequency.items() if n <= ceiling}
    if not weights:
        return []
    matches = past.filter(term__in=weights)
    if exclude_idea_id is not None:
        matches = matches.exclude(idea_id=exclude_idea_id)
    scores: dict[int, float] = {}
    counts: dict[int, int] = {}
    for idea_id, term in matches.values_list("idea_id", "term").iterator():
        scores[idea_id] = scores.get(idea_id, 0.0) + weights[term]
        counts[idea_id] = counts.get(idea_id, 0) + 1
    ranked = sorted(
        (idea_id for idea_id in scores if counts[idea_id] >= MIN_MATCHED_TERMS),
        key=lambda idea_id: (-scores[idea_id], idea_id),
    )[:limit]
    found = (
        Idea.objects.filter(pk__in=ranked)
        .select_related("district", "closing_report")
        .prefetch_related("closing_report__lessons")
        .in_bulk()
    )
    return [found[idea_id] for idea_id in ranked]


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


def earlier_pilots_of(*, idea: Idea, limit: int = 10) -> QuerySet[Idea]:
    """The applicant's other ideas: what they did before tells the agent a lot."""
    return (
        Idea.objects.filter(applicant_id=idea.applicant_id)
        .exclude(pk=idea.pk)
        .exclude(status=Status.DRAFT)
        .select_related("district")
        .order_by("-created_at")[:limit]
    )


def suggested_partners(*, idea: Idea, limit: int = 5) -> list:
    """Organisations that ran related pilots in the same district, as applicants or partners,
    and have not been introduced to this idea yet."""
    from actors.models import Actor

    related = [
        pilot.pk
        for pilot in similar_pilots(
            text=f"{idea.title} {idea.need} {idea.plan}", exclude_idea_id=idea.pk, limit=20
        )
        if pilot.district_id == idea.district_id
    ]
    if not related:
        return []
    already = set(idea.introductions.values_list("actor_id", flat=True)) | {idea.applicant_id}
    actors = (
        Actor.objects.filter(Q(ideas__in=related) | Q(partner_ideas__in=related))
        .exclude(kind=Actor.Kind.RESIDENT)
        .exclude(pk__in=already)
        .distinct()
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
