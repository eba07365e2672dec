import django_filters
from django.utils.translation import gettext_lazy as _

from actors.models import District
from grants.models import AgeGroup, Idea


class ShowcaseFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), to_field_name="slug"
    )
    age_group = django_filters.ChoiceFilter(
        label=_("Who benefits"), choices=AgeGroup.choices, method="filter_age_group"
    )

    class Meta:
        model = Idea
        fields: list[str] = []

    def filter_age_group(self, queryset, name, value):
        return queryset.filter(age_groups__icontains=f'"{value}"')
