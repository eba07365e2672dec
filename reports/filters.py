import django_filters
from django.utils.translation import gettext_lazy as _

from actors.models import District
from common.filtering import FilterForm
from grants.models import AgeGroup, Idea, Theme


class ShowcaseFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), to_field_name="slug"
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=Theme.objects.all(), method="filter_theme"
    )
    age_group = django_filters.ChoiceFilter(
        label=_("Who benefits"), choices=AgeGroup.choices, method="filter_age_group"
    )

    class Meta:
        model = Idea
        fields: list[str] = []
        form = FilterForm

    def filter_theme(self, queryset, name, value):
        return queryset.filter(closing_report__lessons__themes=value).distinct()

    def filter_age_group(self, queryset, name, value):
        return queryset.filter(age_groups__icontains=f'"{value}"')
