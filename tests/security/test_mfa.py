"""Resident agents, city managers and staff must log in with a second factor (an authenticator
app); residents never are asked for one."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests import factories

PASSWORD = "secret-pass-123"

PRIVILEGED = {
    "agent": lambda **kw: factories.AgentFactory(email="agent-mfa@example.org", **kw),
    "manager": lambda **kw: factories.ManagerFactory(email="manager-mfa@example.org", **kw),
    "staff": lambda **kw: factories.StaffFactory(email="staff-mfa@example.org", **kw),
    "superuser": lambda **kw: factories.StaffFactory(
        email="root-mfa@example.org", is_superuser=True, **kw
    ),
}
# A page each role uses every day.
HOME_PAGE = {
    "agent": "grants:agent",
    "manager": "reports:index",
    "staff": "admin:index",
    "superuser": "admin:index",
}


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.parametrize("role", PRIVILEGED)
def test_without_an_authenticator_every_page_leads_to_setting_it_up(client, db, role):
    user = PRIVILEGED[role](mfa=False)
    assert log_in(client, user.email).status_code == 302

    for page in (reverse(HOME_PAGE[role]), reverse("grants:my"), reverse("home")):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.url == reverse("mfa_activate_totp"), page
    follow = client.get(reverse("grants:my"), follow=True)
    assert b"Set up an authenticator app to continue." in follow.content

    # htmx requests are sent there as a whole page, not swapped into a part of one.
    partial = client.get(reverse("grants:my"), headers={"HX-Request": "true"})
    assert partial["HX-Redirect"] == reverse("mfa_activate_totp")

    # What setting it up needs stays open: the setup page (after confirming the password),
    # the language switch, logging out, the health check.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(
        reverse("account_reauthenticate")
    )
    assert client.get("/healthz").status_code in {200, 503}
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert response.status_code == 302 and response.url != reverse("mfa_activate_totp")
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", PRIVILEGED)
def test_after_activating_the_app_the_role_gets_in_and_logins_ask_for_its_code(client, db, role):
    user = PRIVILEGED[role](mfa=False)
    log_in(client, user.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    secret = setup.context["form"].secret

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert b"Incorrect code." in wrong.content
    assert not Authenticator.objects.filter(user=user).exists()

    activated = client.post(reverse("mfa_activate_totp"), {"code": factories.totp_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse(HOME_PAGE[role])).status_code == 200

    # The next login asks for the app's code after the password.
    client.post(reverse("account_logout"))
    response = log_in(client, user.email)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse(HOME_PAGE[role])).status_code == 302

    refused = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert refused.status_code == 200
    assert b"Incorrect code." in refused.content
    assert "_auth_user_id" not in client.session

    accepted = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code(secret)})
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse(HOME_PAGE[role])).status_code == 200


def test_an_agent_from_the_factory_logs_in_with_password_and_code(client, agent):
    response = log_in(client, agent.email)
    assert response.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": factories.totp_code()})
    assert client.get(reverse("grants:agent")).status_code == 200


def test_a_used_code_cannot_be_replayed(client, agent):
    code = factories.totp_code()
    log_in(client, agent.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.session["_auth_user_id"] == str(agent.pk)
    client.post(reverse("account_logout"))

    log_in(client, agent.email)
    replayed = client.post(reverse("mfa_authenticate"), {"code": code})
    assert b"Incorrect code." in replayed.content
    assert "_auth_user_id" not in client.session


def test_a_resident_is_never_asked_for_a_second_factor(client, resident, make_idea):
    idea = make_idea("submitted")
    response = log_in(client, resident.email)
    assert response.status_code == 302
    assert response.url == reverse("grants:my")
    for page in (reverse("grants:my"), reverse("grants:idea", args=[idea.pk]), reverse("home")):
        assert client.get(page).status_code == 200, page
    assert not Authenticator.objects.filter(user=resident).exists()


def test_the_admin_login_goes_through_allauth_and_its_second_factor(client, db):
    staff = factories.StaffFactory(email="admin-mfa@example.org", is_superuser=True)
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    # Django's own admin form would log in with the password alone: it is not served.
    client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert log_in(client, staff.email).url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": factories.totp_code()})
    assert client.get(reverse("admin:index")).status_code == 200
