"""Forms of the reports pages: the city's decision on a pilot."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import District
from grants.models import CityDecision


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CityDecisionForm(forms.Form):
    """What the city decided about a pilot; the rules (who must own it, dates) are the
    service's, so the same hold for every way in."""

    outcome = forms.ChoiceField(
        label=_("What did the city decide?"),
        choices=CityDecision.Outcome.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The makers and the council read it."),
    )
    unit = forms.CharField(label=_("Responsible unit"), max_length=200, required=False)
    owner = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=None, required=False, empty_label="—"
    )
    yearly_cost = forms.DecimalField(
        label=_("Yearly cost estimate (€)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    funding_line = forms.CharField(
        label=_("Funding line"),
        max_length=200,
        required=False,
        help_text=_("Where the money comes from in the budget."),
    )
    follow_up_on = forms.DateField(
        label=_("Follow-up date"),
        required=False,
        widget=DateInput(),
        help_text=_("The responsible person is reminded by email on this date."),
    )
    spread_to = forms.ModelMultipleChoiceField(
        label=_("Spread to"),
        queryset=District.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, owners=None, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if district is not None:
            self.fields["spread_to"].queryset = District.objects.exclude(pk=district.pk).order_by(
                "name"
            )
