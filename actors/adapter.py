"""allauth's emails as the project's own: named Minipilot, in the language of the person's profile.

allauth writes its emails in the language of the page where they were asked for, and names the
site by the request's host ("127.0.0.1:8811"). Here the profile decides the language, as for every
other email, and the site is called by its name. Links in the email lead to the pages in the same
language as the email. The texts are the project's own, in templates/account/email/.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext


def _profile_language(email: str, user) -> str | None:
    """The language a person chose, for their address; None for an address nobody has."""
    from allauth.account.models import EmailAddress

    from actors.models import User

    if user is None or not getattr(user, "pk", None):
        user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else None
    language = getattr(user, "language", None)
    return language if language in dict(settings.LANGUAGES) else None


def _in_language(url: str, language: str) -> str:
    """The same page in another language; the URL is resolved in its own language first."""
    own = translation.get_language_from_path(urlsplit(url).path) or settings.LANGUAGE_CODE
    with translation.override(own):
        return translate_url(url, language)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        language = _profile_language(email, context.get("user")) or translation.get_language()
        context = {
            key: _in_language(value, language)
            if key.endswith("_url") and isinstance(value, str)
            else value
            for key, value in context.items()
        }
        with translation.override(language):
            context["current_site"] = SimpleNamespace(
                name=gettext("Minipilot"), domain=urlsplit(settings.SITE_URL).netloc
            )
            context["site_url"] = settings.SITE_URL + reverse("home")
            super().send_mail(template_prefix, email, context)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed passwords count per address *and* IP (docs/security.md): whoever guesses at an
        account from elsewhere locks only their own attempts, never the owner's; the per-IP
        limit of ACCOUNT_RATE_LIMITS bounds the guessing from any one place."""
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{login}|{self.get_client_ip(request)}"

    def format_email_subject(self, subject: str) -> str:
        """No "[127.0.0.1:8811]" before the subject: the sender's name says Minipilot, as in the
        project's other emails, and the subjects of its own templates name it where it helps."""
        return subject

    def save_user(self, request, user, form, commit: bool = True):
        """A person who signs up on a Swedish page gets Swedish emails until they choose again."""
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def pre_login(self, request, user, **kwargs):
        """A login through the city's identity provider first takes the roles its groups give
        (actors/sso.py), so that the person lands on the page of their roles of today."""
        from . import sso

        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sso.is_from_provider(sociallogin):
            sso.roles_apply(user=user, groups=sso.groups_of(sociallogin.account.extra_data))
        elif sso.is_linked(user):
            # Staff roles come through the provider only: another way in (a code sent to an
            # old mailbox, a password) does not keep them.
            sso.roles_apply(user=user, groups=[])
        return super().pre_login(request, user, **kwargs)

    def get_login_redirect_url(self, request) -> str:
        """Each person lands on their own start page after logging in (after the second factor
        too): agents on their dashboard, programme administrators on /manage/, city managers
        on the district reports, the finance office on the payments, residents on their ideas.
        An explicit `next` still wins (allauth checks it first)."""
        from . import roles

        user = request.user
        if roles.is_agent(user):
            return reverse("grants:agent")
        if roles.can_manage_programme(user):
            return reverse("grants:manage")
        if roles.can_view_reports(user):
            return reverse("reports:index")
        if roles.can_view_dashboard(user):
            return reverse("grants:agent")
        if roles.can_pay(user):
            return reverse("grants:agent_money")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request) -> str:
        """A first login that makes the account (by a code, or through the city's identity
        provider with the roles of its groups) lands where any later login would."""
        return self.get_login_redirect_url(request)
