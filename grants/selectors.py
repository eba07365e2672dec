"""Every read of the grants app that is more than a get()."""

import math
from datetime import date

from django.contrib.auth.models import Permission
from django.db.models import Count, Prefetch, Q, QuerySet

from actors import roles
from actors.models import District, User

from .models import Idea, IdeaTerm, Lesson, Message, Round, StatusChange
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


def agent_queue() -> QuerySet[Idea]:
    """Ideas waiting for a decision, the longest-waiting first."""
    return (
        Idea.objects.filter(status__in=[*AWAITING_DECISION, Status.NEEDS_INFO], held_reason="")
        .select_related("district", "round", "applicant")
        .order_by("submitted_at", "id")
    )


def moderation_list() -> QuerySet[Idea]:
    """Submissions that look like spam, waiting for an agent to release or decline them."""
    return (
        Idea.objects.filter(status=Status.SUBMITTED)
        .exclude(held_reason="")
        .select_related("district", "applicant", "created_by")
        .order_by("submitted_at", "id")
    )


def agent_follow_up() -> QuerySet[Idea]:
    """Granted pilots that are not yet closed: the agent follows them up."""
    return (
        Idea.objects.filter(
            status__in=[Status.APPROVED, Status.RUNNING, Status.REPORT_DUE, Status.REPORTED]
        )
        .select_related("district", "round", "applicant", "grant")
        .order_by("ends_on", "id")
    )


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
