"""Multi-factor authentication for the people who can see or decide more than their own pilots.

Resident agents, city managers, programme administrators, the finance office, staff and
superusers must have an authenticator app (TOTP). Until they have one, every page sends them to
allauth's page that sets it up; once they have one,
allauth asks for its code at every login. The Django admin's own login form is replaced by
allauth's (minipilot/urls.py), so the admin is behind the same second factor.
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from actors.roles import MANAGE_PROGRAMME, PAY_GRANTS, VIEW_AGENT_DASHBOARD, VIEW_DISTRICT_REPORTS

# Pages a person without an authenticator may still open: setting it up needs them.
EXEMPT_URL_NAMES = {"set_language", "healthz", "javascript-catalog"}
EXEMPT_PATH_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz")


def requires_mfa(user) -> bool:
    """Privileged roles: what they can see or decide reaches beyond their own pilots."""
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or user.has_perm(VIEW_AGENT_DASHBOARD)
        or user.has_perm(VIEW_DISTRICT_REPORTS)
        or user.has_perm(MANAGE_PROGRAMME)
        or user.has_perm(PAY_GRANTS)
    )


# Set in the session once the person is known to have an authenticator app, so that a page
# does not ask the database again; removing the app (allauth's page) takes it away.
SESSION_KEY = "actors_has_totp"


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def has_totp_in_session(request, user) -> bool:
    """`has_totp`, asked of the database once per session; a login through the city's identity
    provider, which asks for the second step itself (actors/sso.py), counts as one."""
    from .sso import SESSION_KEY as BY_PROVIDER

    if request.session.get(SESSION_KEY) == user.pk or request.session.get(BY_PROVIDER) == user.pk:
        return True
    if not has_totp(user):
        return False
    request.session[SESSION_KEY] = user.pk
    return True


def _authenticator_removed(sender, request=None, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


def connect() -> None:
    from allauth.mfa import signals

    signals.authenticator_removed.connect(
        _authenticator_removed, dispatch_uid="actors.mfa.authenticator_removed"
    )


def _exempt(request, view_func) -> bool:
    if request.path.startswith(EXEMPT_PATH_PREFIXES):
        return True
    match = request.resolver_match
    if match is not None and match.url_name in EXEMPT_URL_NAMES:
        return True
    # allauth's own pages: login, logout, reauthentication and the MFA pages themselves.
    module = getattr(view_func, "__module__", "") or ""
    return module.startswith("allauth.")


class RequireMFAMiddleware:
    """Send a privileged person without an authenticator app to set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not requires_mfa(user) or _exempt(request, view_func):
            return None
        if has_totp_in_session(request, user):
            return None
        target = reverse("mfa_activate_totp")
        if request.htmx:
            # A whole page, not swapped into a part of one.
            return HttpResponseClientRedirect(target)
        messages.warning(
            request,
            _(
                "Your role lets you see other people's pilots, so your account needs a second "
                "step at login. Set up an authenticator app to continue."
            ),
        )
        return redirect(target)
