"""After the second factor each person lands on their own start page (agents and managers
landed on the residents' /my/)."""

import pytest
from django.urls import reverse

from tests import factories

PASSWORD = "secret-pass-123"


@pytest.mark.parametrize(
    ("make", "start"),
    [
        (factories.AgentFactory, "grants:agent"),
        (factories.ManagerFactory, "reports:index"),
    ],
)
def test_staff_land_on_their_start_page_after_the_second_factor(client, db, make, start):
    person = make(email="start-page@example.org")
    login = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert login.url == reverse("mfa_authenticate")
    done = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code()})
    assert done.status_code == 302 and done.url == reverse(start)


def test_a_resident_lands_on_their_ideas(client, resident):
    login = client.post(reverse("account_login"), {"login": resident.email, "password": PASSWORD})
    assert login.url == reverse("grants:my")
