from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.core import context, ratelimit
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .models import Actor, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language", "optional_email"]
        help_texts = {
            "language": _("Emails come in this language."),
            "phone": _("Optional. The resident agent may call you about your idea."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language in its own name, as the language buttons of every page show them.
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"].capitalize())
            for code, _name in settings.LANGUAGES
        ]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = ["kind", "name", "district", "business_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            choice for choice in Actor.Kind.choices if choice[0] != Actor.Kind.RESIDENT
        ]
        if self.instance.pk:
            del self.fields["kind"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to invite"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("invite", _("Send the invitation")))


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and my drafts are erased for good."),
        required=True,
        error_messages={"required": _("Tick the box to confirm that you want to be erased.")},
    )


class DistrictForm(forms.Form):
    name_fi = forms.CharField(label=_("Name in Finnish"), max_length=100)
    name_sv = forms.CharField(
        label=_("Official name in Swedish"),
        max_length=100,
        required=False,
        help_text=_("Empty: the Finnish name is shown on Swedish pages."),
    )
    name_en = forms.CharField(
        label=_("Name in English"),
        max_length=100,
        required=False,
        help_text=_("Empty: the Finnish name is shown."),
    )

    def __init__(self, *args, district=None, **kwargs):
        if district is not None:
            kwargs.setdefault(
                "initial",
                {
                    field: getattr(district, field) or ""
                    for field in ("name_fi", "name_sv", "name_en")
                },
            )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save the district")))


STAFF_ROLE_CHOICES = [
    ("agent", _("Resident agent")),
    ("manager", _("City manager")),
    ("administrator", _("Programme administrator")),
    ("finance", _("Finance office")),
]


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES, widget=forms.RadioSelect)
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts (agents only)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the agent works in every district."),
    )

    def __init__(self, *args, **kwargs):
        from .models import District

        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = District.objects.order_by("slug")
        self.helper = FormHelper()
        self.helper.add_input(Submit("invite", _("Give the role")))


class StaffDistrictsForm(forms.Form):
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the agent works in every district."),
    )

    def __init__(self, *args, **kwargs):
        from .models import District

        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = District.objects.order_by("slug")
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save the districts")))


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """allauth's form for a login code, its limit per address counted per address *and* IP:
    somebody asking codes for another person's address from elsewhere cannot keep the owner
    from asking for their own (docs/security.md). allauth counts the per-IP limit
    (`request_login_code`); this form counts `request_login_code_per_address_and_ip`."""

    def clean_email(self) -> str:
        email = super().clean_email()
        if email:
            adapter = get_adapter()
            key = f"{email.lower()}|{adapter.get_client_ip(context.request)}"
            if not ratelimit.consume(
                context.request, action="request_login_code_per_address_and_ip", key=key
            ):
                raise adapter.validation_error("too_many_login_attempts")
        return email
