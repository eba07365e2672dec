"""Reads for district learning reports and the public showcase."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from actors.models import District
from grants.models import Grant, Idea, Lesson
from grants.selectors import granted_pilots, lessons_of_district
from grants.workflow import GRANTED_STATUSES, Status


def districts_overview() -> QuerySet[District]:
    return District.objects.annotate(
        pilots=Count("ideas", filter=Q(ideas__status__in=GRANTED_STATUSES)),
    ).order_by("name")


def district_summary(*, district: District) -> dict:
    by_status = dict(
        Idea.objects.filter(district=district)
        .exclude(status=Status.DRAFT)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    granted = Grant.objects.filter(idea__district=district).aggregate(total=Sum("amount"))
    return {
        "by_status": [
            (Status(status).label, by_status.get(status, 0))
            for status in Status.values
            if status != Status.DRAFT
        ],
        "granted_total": granted["total"] or Decimal("0"),
        "pilot_count": sum(by_status.get(status, 0) for status in GRANTED_STATUSES),
    }


def district_pilots(*, district: District) -> QuerySet[Idea]:
    return granted_pilots(district=district)


def district_lessons(*, district: District) -> QuerySet[Lesson]:
    return lessons_of_district(district=district)


def public_pilots() -> QuerySet[Idea]:
    return granted_pilots()


def public_pilot(*, idea_id: int) -> Idea:
    return granted_pilots().prefetch_related("closing_report__lessons").get(pk=idea_id)
