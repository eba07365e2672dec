from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _

from actors.models import District
from actors.selectors import actors_of_user, organisations
from common.money import amount_text

from . import spam
from .models import AgeGroup, ClosingReport, Idea
from .selectors import districts_with_open_rounds, round_for_district


class SecondarySubmit(Submit):
    """A second submit button that looks secondary."""

    field_classes = "btn btn-outline-secondary"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def published_pilot(pilot_id) -> Idea | None:
    """A pilot whose story is public (the showcase's), or None."""
    from .selectors import showcase_pilots

    if not pilot_id:
        return None
    return showcase_pilots().filter(pk=pilot_id).first()


def _rounds_help(today) -> str:
    """Which round an idea goes to: the open round of its district, each linked to its rules."""
    from django.urls import reverse
    from django.utils.html import format_html, format_html_join

    from .selectors import open_rounds

    rounds = format_html_join(
        "; ",
        '<a href="{}">{}</a> ({})',
        (
            (
                reverse("grants:round", args=[round_.pk]),
                round_.name,
                ", ".join(district.name for district in round_.districts.all()),
            )
            for round_ in open_rounds(today=today).order_by("-opens_on", "-id")
        ),
    )
    return format_html("{} {}", _("The idea goes to the open round of its district:"), rounds)


class IdeaForm(forms.ModelForm):
    """The idea: eight required fields, the amount pre-filled with the round's default grant."""

    # The published pilot this idea repeats, when the maker started from its page.
    origin = forms.IntegerField(widget=forms.HiddenInput, required=False)
    needs_grant = forms.TypedChoiceField(
        label=_("What does the pilot need?"),
        choices=[
            (True, _("A grant")),
            (False, _("No money: only the go-ahead, some help or premises")),
        ],
        coerce=lambda value: value not in (False, "False", "false", "0"),
        empty_value=True,
        required=False,
        initial=True,
        widget=forms.RadioSelect,
        help_text=_("An experiment without money goes through the same light review."),
    )

    age_groups = forms.MultipleChoiceField(
        label=_("Who benefits"),
        choices=AgeGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every age group the pilot is for."),
    )
    applicant = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=None,
        required=False,
        empty_label=_("Myself, as a resident"),
        help_text=_("Propose as yourself or for an organisation you belong to."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=None,
        required=False,
        help_text=_("Organisations already in Minipilot that take part (optional)."),
    )
    # Spam signs: a field people never see, and when the form was opened.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Idea
        fields = list(Idea.EDITABLE_FIELDS)
        widgets = {
            "need": forms.Textarea(attrs={"rows": 4}),
            "plan": forms.Textarea(attrs={"rows": 5}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }
        help_texts = {
            "title": _("A short name for your pilot."),
            "need": _("What need in your district does the pilot answer?"),
            "plan": _("What will you do, with whom, and where?"),
            "amount": _("The usual grant is 500 €."),
            "partners_text": _("Other people or organisations taking part (optional)."),
        }

    def __init__(self, *args, user=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["partners"].queryset = organisations().order_by("name")
        self._offer_partners()
        if user is not None and user.is_authenticated:
            own = actors_of_user(user=user).exclude(kind="resident")
            self.fields["applicant"].queryset = own
            if self.instance.pk and self.instance.applicant.kind != "resident":
                self.initial.setdefault("applicant", self.instance.applicant_id)
            if not own.exists():
                del self.fields["applicant"]
        else:
            del self.fields["applicant"]
        if self.instance.pk:
            self.initial.setdefault("partners", list(self.instance.partners.all()))
        self.fields["district"].queryset = districts_with_open_rounds(today=self.today)
        # A screen reader reads "---------" as dashes: the empty choice says what to do.
        self.fields["district"].empty_label = _("Choose the district")
        self.fields["district"].help_text = _rounds_help(self.today)
        self.fields["amount"].required = False
        self.fields["amount"].validators.append(MinValueValidator(Decimal("1")))
        self.fields["amount"].help_text = _("Only when the pilot needs a grant.")
        self.fields["help_needed"].help_text = _(
            "For example a room, tools, or an introduction to the school: the agent can help."
        )
        if not self.instance.pk and "amount" not in self.initial:
            self.initial["amount"] = Decimal("500")
        self.helper = FormHelper()
        self.helper.form_id = "idea-form"
        self.fields["started"].initial = spam.form_started_token()
        self.helper.layout = Layout(
            Fieldset(
                _("Your idea"),
                "title",
                "need",
                "plan",
                *(["applicant"] if "applicant" in self.fields else []),
            ),
            Fieldset(
                _("Who, where and when"),
                "age_groups",
                "district",
                Div(
                    Div("starts_on", css_class="col-sm-6"),
                    Div("ends_on", css_class="col-sm-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Money and partners"),
                "needs_grant",
                "amount",
                "help_needed",
                "partners",
                "partners_text",
            ),
            Div("website", css_class="mp-hp"),
            "started",
            "origin",
        )
        self.helper.add_input(Submit("submit", _("Submit the idea")))
        self.helper.add_input(SecondarySubmit("preview", _("Preview")))
        self.helper.add_input(SecondarySubmit("save_draft", _("Save as a draft")))

    def clean_started(self):
        # The form's own token is short; a longer one is forged: no duplicate key from it (the
        # spam check sees the bad signature).
        started = self.cleaned_data.get("started") or ""
        return started if len(started) <= 100 and "\x00" not in started else ""

    def clean_origin(self):
        # A pilot that is not (or no longer) public is simply not linked: nothing to refuse.
        return published_pilot(self.cleaned_data.get("origin"))

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The pilot cannot end before it starts."))
        district: District | None = cleaned.get("district")
        if cleaned.get("needs_grant") is False:
            # No money asked: whatever the amount field holds does not count.
            self._errors.pop("amount", None)
            cleaned["amount"] = Decimal("0")
        elif cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Give the amount, or choose that the pilot needs no money."))
        amount = cleaned.get("amount")
        if district is not None:
            round_ = round_for_district(district=district, today=self.today)
            if round_ is None:
                self.add_error("district", _("No open round covers this district right now."))
            elif amount is not None and amount > round_.max_grant:
                self.add_error(
                    "amount",
                    _("The amount can be at most %(max)s € in this round.")
                    % {"max": amount_text(round_.max_grant)},
                )
        return cleaned

    # The list offers at most this many organisations (the ones that joined last, and the ones
    # already chosen); any organisation may still be chosen, and others named in free text.
    PARTNER_CHOICES = 200

    def _offer_partners(self) -> None:
        field = self.fields["partners"]
        chosen = set()
        if self.is_bound:
            values = (
                self.data.getlist("partners")
                if hasattr(self.data, "getlist")
                else self.data.get("partners") or []
            )
            values = values if isinstance(values, list | tuple) else [values]
            chosen = {str(value) for value in values if str(value).isdigit()}
        elif self.instance.pk:
            chosen = {str(pk) for pk in self.instance.partners.values_list("pk", flat=True)}
        queryset = field.queryset

        def offered() -> list[tuple[str, str]]:
            rows = queryset.order_by("-created_at").values_list("pk", "name")
            choices = {str(pk): name for pk, name in rows[: self.PARTNER_CHOICES]}
            if chosen - set(choices):
                for pk, name in queryset.filter(pk__in=chosen - set(choices)).values_list(
                    "pk", "name"
                ):
                    choices[str(pk)] = name
            return sorted(choices.items(), key=lambda item: item[1].lower())

        # Read only when the form is drawn (a form sent and accepted never draws it).
        field.widget.choices = CallableChoiceIterator(offered)


class AssistedIdeaForm(IdeaForm):
    """The idea form as a resident agent fills it for someone who phoned or came by."""

    person_name = forms.CharField(label=_("The person's name"), max_length=200)
    person_phone = forms.CharField(
        label=_("The person's phone number"), max_length=40, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("applicant", None)
        self.helper.layout.insert(0, Fieldset(_("Whose idea"), "person_name", "person_phone"))
        self.helper.inputs = [Submit("submit", _("Submit the idea"))]


class BudgetLineForm(forms.Form):
    description = forms.CharField(label=_("What the money is for"), max_length=200)
    amount = forms.DecimalField(
        label=_("Amount (€)"), max_digits=8, decimal_places=2, min_value=Decimal("0.01")
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Add an image or a PDF"),
        help_text=_("JPEG, PNG, WebP or PDF, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )


class ClaimForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the resident agent"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class DecisionForm(forms.Form):
    """The resident agent's decision on one idea."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("decline", _("Decline")),
            ("ask_info", _("Ask for more information")),
        ],
    )
    amount = forms.DecimalField(
        label=_("Grant (€)"), max_digits=8, decimal_places=2, min_value=Decimal("1"), required=False
    )
    template = forms.ModelChoiceField(
        label=_("Ready reason"),
        queryset=None,
        required=False,
        help_text=_("Used in the applicant's language when the reason below is empty."),
    )
    reason = forms.CharField(
        label=_("Reason or question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, applicant_language: str = "fi", **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import reason_templates

        self.applicant_language = applicant_language
        self.fields["template"].queryset = reason_templates()
        self.fields["template"].empty_label = _("No ready reason")

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("template")
        reason = cleaned.get("reason", "").strip()
        if cleaned.get("decision") == "decline" and template and not reason:
            cleaned["reason"] = template.text_in(self.applicant_language)
        if (
            cleaned.get("decision") in {"decline", "ask_info"}
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error(
                "reason",
                _("Give the applicant a reason for declining.")
                if cleaned["decision"] == "decline"
                else _("Write the question for the applicant."),
            )
        return cleaned


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send you a code to log in with. No password needed."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    internal = forms.BooleanField(
        label=_("Internal note (the applicant does not see it)"), required=False
    )
    # One filling of the form: the same message sent again is kept once.
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, allow_internal: bool = False, **kwargs):
        import secrets

        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["key"].initial = secrets.token_urlsafe(24)
        if not allow_internal:
            del self.fields["internal"]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class ClosingReportForm(forms.ModelForm):
    lesson_1 = forms.CharField(label=_("Lesson 1"), max_length=300)
    lesson_2 = forms.CharField(label=_("Lesson 2"), max_length=300, required=False)
    lesson_3 = forms.CharField(label=_("Lesson 3"), max_length=300, required=False)
    lesson_4 = forms.CharField(label=_("Lesson 4"), max_length=300, required=False)
    lesson_5 = forms.CharField(label=_("Lesson 5"), max_length=300, required=False)
    photo = forms.FileField(
        label=_("A photo of the pilot (optional)"),
        required=False,
        help_text=_("JPEG, PNG, WebP or PDF, at most 5 MB. Add more on the pilot's page."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )

    RATING_CHOICES = [(value, str(value)) for value in range(1, 6)]

    class Meta:
        model = ClosingReport
        fields = [
            "what_happened",
            "participants_children",
            "participants_youth",
            "participants_adults",
            "participants_elderly",
            "actual_cost",
            "what_worked",
            "what_did_not_work",
            "novelty",
            "change",
            "usefulness",
            "continuation",
            "continuation_form",
            "publish",
            "photo_description",
            "photo_public",
        ]
        widgets = {
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "what_worked": forms.Textarea(attrs={"rows": 3}),
            "what_did_not_work": forms.Textarea(attrs={"rows": 3}),
            "novelty": forms.RadioSelect(choices=[(v, str(v)) for v in range(1, 6)]),
            "change": forms.RadioSelect(choices=[(v, str(v)) for v in range(1, 6)]),
            "usefulness": forms.RadioSelect(choices=[(v, str(v)) for v in range(1, 6)]),
            "continuation": forms.RadioSelect,
        }
        help_texts = {
            "what_did_not_work": _(
                "Failure is a valid and useful result: tell plainly what did not go as planned."
            ),
            "novelty": _("1 = nothing new, 5 = completely new here"),
            "change": _("1 = no change, 5 = a big change"),
            "usefulness": _("1 = not useful, 5 = very useful"),
            "photo_description": _(
                "In a sentence, for people who cannot see it: who or what is in the photo."
            ),
            "photo_public": _(
                "Only if everyone who can be recognised in the photo agreed to it. The story must "
                "be published too."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One of the answers must be chosen: no empty first option, and none chosen in advance.
        self.fields["continuation"].choices = ClosingReport.Continuation.choices
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("What happened"),
                "what_happened",
                Div(
                    Div("participants_children", css_class="col-6 col-md-3"),
                    Div("participants_youth", css_class="col-6 col-md-3"),
                    Div("participants_adults", css_class="col-6 col-md-3"),
                    Div("participants_elderly", css_class="col-6 col-md-3"),
                    css_class="row",
                ),
                "actual_cost",
            ),
            Fieldset(_("What worked and what did not"), "what_worked", "what_did_not_work"),
            Fieldset(
                _("Lessons learned (one to five short statements)"),
                "lesson_1",
                "lesson_2",
                "lesson_3",
                "lesson_4",
                "lesson_5",
            ),
            Fieldset(_("Your assessment"), "novelty", "change", "usefulness"),
            Fieldset(
                _("What next"),
                "continuation",
                "continuation_form",
                "publish",
                "photo",
                "photo_description",
                "photo_public",
            ),
        )
        self.helper.add_input(Submit("send", _("Send the closing report")))

    def clean(self):
        data = super().clean()
        photo = data.get("photo")
        if photo:
            from .uploads import sniff_content_type

            try:
                is_image = sniff_content_type(photo).startswith("image/")
            except ValidationError as error:
                self.add_error("photo", error)
                is_image = False
        else:
            is_image = bool(self.instance.pk and self.instance.photo_id)
        if data.get("photo_public"):
            if not data.get("publish"):
                self.add_error(
                    "photo_public", _("The photo can be shown only with the published story.")
                )
            if not is_image:
                self.add_error("photo_public", _("Add a photo (JPEG, PNG or WebP) to show it."))
            if not (data.get("photo_description") or "").strip():
                self.add_error(
                    "photo_description", _("Say in a sentence what the photo shows, to show it.")
                )
        return data

    @staticmethod
    def initial_lessons(report) -> dict:
        if report is None:
            return {}
        return {
            f"lesson_{position}": lesson.text
            for position, lesson in enumerate(report.lessons.all()[:5], start=1)
        }

    def lessons(self) -> list[str]:
        return [self.cleaned_data.get(f"lesson_{n}", "") for n in range(1, 6)]

    def report_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


ROUND_LABELS = {
    "name_fi": _("Name in Finnish"),
    "name_sv": _("Name in Swedish"),
    "name_en": _("Name in English"),
    "rules_fi": _("Rules in Finnish"),
    "rules_sv": _("Rules in Swedish"),
    "rules_en": _("Rules in English"),
}
RULES_HELP = _(
    "What is funded and what not, who may apply, the deadline: the round's public page shows it."
)


class RoundForm(forms.Form):
    """A round as the administrator sets it; the rules between the fields (budget and granted,
    dates, districts of other rounds) are the service's (grants.services.programme)."""

    name_fi = forms.CharField(label=ROUND_LABELS["name_fi"], max_length=200)
    name_sv = forms.CharField(
        label=ROUND_LABELS["name_sv"],
        max_length=200,
        required=False,
        help_text=_("Empty: the Finnish name is shown."),
    )
    name_en = forms.CharField(
        label=ROUND_LABELS["name_en"],
        max_length=200,
        required=False,
        help_text=_("Empty: the Finnish name is shown."),
    )
    rules_fi = forms.CharField(
        label=ROUND_LABELS["rules_fi"],
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=RULES_HELP,
    )
    rules_sv = forms.CharField(
        label=ROUND_LABELS["rules_sv"],
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    rules_en = forms.CharField(
        label=ROUND_LABELS["rules_en"],
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    budget = forms.DecimalField(
        label=_("Budget (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    default_grant = forms.DecimalField(
        label=_("Default grant (€)"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        initial=Decimal("500.00"),
    )
    max_grant = forms.DecimalField(
        label=_("Maximum grant (€)"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        initial=Decimal("1000.00"),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(
        label=_("Closes on"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the round is rolling, open until it is closed."),
    )
    decision_target_days = forms.IntegerField(
        label=_("Decision target (days)"),
        min_value=1,
        max_value=365,
        initial=7,
        help_text=_("How soon the makers get an answer; the agents' queue counts against it."),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.order_by("slug"),
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, round_=None, **kwargs):
        if round_ is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{field: getattr(round_, field) for field in ROUND_FORM_FIELDS},
                    "districts": list(round_.districts.all()),
                    "version": round_.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("Name"), "name_fi", "name_sv", "name_en"),
            Fieldset(_("Money"), "budget", "default_grant", "max_grant"),
            Fieldset(_("Dates"), "opens_on", "closes_on", "decision_target_days"),
            Fieldset(_("Districts"), "districts"),
            Fieldset(_("Rules"), "rules_fi", "rules_sv", "rules_en"),
            "version",
        )
        self.helper.add_input(Submit("save", _("Save the round")))

    def differences_from(self, round_) -> list[tuple[str, object]]:
        """The fields where the round as saved differs from what this form holds: (label, the
        saved value)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        differences = []
        for field in ROUND_FORM_FIELDS:
            saved = getattr(round_, field)
            if field in data and (data[field] or None) != (saved or None):
                differences.append((self.fields[field].label, saved))
        saved_districts = set(round_.districts.all())
        if "districts" in data and set(data["districts"]) != saved_districts:
            names = ", ".join(sorted(district.name for district in saved_districts))
            differences.append((self.fields["districts"].label, names))
        return differences


ROUND_FORM_FIELDS = (
    "name_fi",
    "name_sv",
    "name_en",
    "rules_fi",
    "rules_sv",
    "rules_en",
    "budget",
    "default_grant",
    "max_grant",
    "opens_on",
    "closes_on",
    "decision_target_days",
)


class RoundExtendForm(forms.Form):
    closes_on = forms.DateField(
        label=_("New closing day"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: the round becomes rolling."),
    )


class ReasonForm(forms.Form):
    """A ready-made decline reason, its title and text in three languages."""

    title_fi = forms.CharField(label=_("Title in Finnish"), max_length=100)
    title_sv = forms.CharField(label=_("Title in Swedish"), max_length=100, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=100, required=False)
    text_fi = forms.CharField(
        label=_("Text in Finnish"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    text_sv = forms.CharField(
        label=_("Text in Swedish"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Empty: a Swedish-speaking maker reads the Finnish text."),
    )
    text_en = forms.CharField(
        label=_("Text in English"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Empty: an English-speaking maker reads the Finnish text."),
    )
    active = forms.BooleanField(label=_("Offered to the agents"), required=False, initial=True)

    def __init__(self, *args, reason=None, **kwargs):
        if reason is not None:
            kwargs.setdefault(
                "initial",
                {
                    field: getattr(reason, field) or ""
                    for field in (
                        "title_fi",
                        "title_sv",
                        "title_en",
                        "text_fi",
                        "text_sv",
                        "text_en",
                    )
                }
                | {"active": reason.active},
            )
        super().__init__(*args, **kwargs)


class PayeeForm(forms.Form):
    """Where the grant is paid: the payee as the bank knows them and the account; an
    organisation's business ID too. The IBAN may be typed with spaces and in lower case."""

    name = forms.CharField(
        label=_("Payee"),
        max_length=70,
        help_text=_(
            "The account holder's name as the bank knows it: yours, or the organisation's "
            "official name."
        ),
    )
    business_id = forms.CharField(
        label=_("Business ID (Y-tunnus)"),
        max_length=9,
        help_text=_("The organisation's business ID, e.g. 0112038-9."),
    )
    iban = forms.CharField(
        label=_("Account number (IBAN)"),
        max_length=50,
        help_text=_("For example FI21 1234 5600 0007 85."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, organisation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not organisation:
            del self.fields["business_id"]
        self.bic = ""

    def clean_business_id(self) -> str:
        from actors.validators import validate_business_id

        value = self.cleaned_data["business_id"].strip()
        validate_business_id(value)
        return value

    def clean_iban(self) -> str:
        from actors.validators import clean_iban

        iban, self.bic = clean_iban(self.cleaned_data["iban"])
        return iban


class PaymentBatchForm(forms.Form):
    """The ticked grants go to the bank in one file, to be paid on this day."""

    execution_date = forms.DateField(label=_("Payment date asked of the bank"), widget=DateInput())


class BatchPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        required=False,
        help_text=_("The bank's archive id of the transfer, if you have it."),
    )
