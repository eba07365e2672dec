import django_filters
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from actors.models import District
from common.filtering import FilterForm
from grants.models import AgeGroup, Idea, Theme


class ShowcaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search the pilots"), method="filter_search", max_length=200, strip=True
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"),
        queryset=District.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All districts"),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.filter(retired_at__isnull=True).order_by("name"),
        method="filter_theme",
        empty_label=_("All themes"),
    )
    age_group = django_filters.ChoiceFilter(
        label=_("Who benefits"),
        choices=AgeGroup.choices,
        method="filter_age_group",
        empty_label=_("Everyone"),
    )

    class Meta:
        model = Idea
        fields: list[str] = []
        form = FilterForm

    def filter_search(self, queryset, name, value):
        """The pilots most like the words by meaning (in any language), and those that use
        them, best first (reports.selectors.showcase_matches)."""
        from .selectors import showcase_matches

        ids = showcase_matches(value)
        if not ids:
            return queryset.none()
        rank = Case(
            *[When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)],
            output_field=IntegerField(),
        )
        return queryset.filter(pk__in=ids).annotate(search_rank=rank).order_by("search_rank")

    def filter_theme(self, queryset, name, value):
        return queryset.filter(closing_report__lessons__themes=value).distinct()

    def filter_age_group(self, queryset, name, value):
        return queryset.filter(age_groups__icontains=f'"{value}"')
