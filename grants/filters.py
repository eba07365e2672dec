"""The agent's queue filters; they work as URL parameters (?status=submitted&district=iittala)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, District
from common.filtering import FilterForm

from .models import AgeGroup, Idea, Round
from .workflow import Status

QUEUE_STATUSES = [
    (Status.SUBMITTED.value, Status.SUBMITTED.label),
    (Status.NEEDS_INFO.value, Status.NEEDS_INFO.label),
]


class QueueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=QUEUE_STATUSES)
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), to_field_name="slug"
    )
    round = django_filters.ModelChoiceFilter(
        label=_("Round"), queryset=Round.objects.all(), to_field_name="slug"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Applicant"), field_name="applicant__kind", choices=Actor.Kind.choices
    )
    age_group = django_filters.ChoiceFilter(
        label=_("Who benefits"), choices=AgeGroup.choices, method="filter_age_group"
    )
    waiting = django_filters.ChoiceFilter(
        label=_("Waiting"),
        choices=[("half", _("Over half the decision time used")), ("overdue", _("Overdue"))],
        method="filter_waiting",
    )
    q = django_filters.CharFilter(label=_("Words to search"), method="filter_text")

    class Meta:
        model = Idea
        fields: list[str] = []
        form = FilterForm

    def __init__(self, *args, district_ids=None, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rounds is not None:
            # The rounds in play: the queue holds no idea of a settled round.
            self.filters["round"].queryset = rounds
        if district_ids is not None:
            # An agent limited to some districts chooses among those alone.
            self.filters["district"].queryset = District.objects.filter(pk__in=district_ids)

    def filter_age_group(self, queryset, name, value):
        # The list is stored as JSON; its text holds each value in quotes on every database.
        return queryset.filter(age_groups__icontains=f'"{value}"')

    def filter_waiting(self, queryset, name, value):
        now = timezone.now()
        if value == "overdue":
            return queryset.filter(decision_due_at__lt=now)
        return queryset.filter(decision_half_at__lt=now)

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(need__icontains=value) | Q(plan__icontains=value)
        )
