"""Password guessing is throttled: allauth's rate limits, counted in the Django cache.

Five wrong passwords for one address from one IP lock that address for that IP for five minutes
(even the right password is refused there); twenty failures from one IP lock that IP. The owner,
from their own address, goes on: nobody can keep another person out of their account by typing
wrong passwords for it (docs/security.md).
"""

import re

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories

PASSWORD = "secret-pass-123"
LOCKED = "Too many failed login attempts. Try again later."


def attempt(client, email: str, password: str, ip: str = "203.0.113.7"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_limits_are_configured_and_counted_in_the_cache():
    limits = settings.ACCOUNT_RATE_LIMITS
    assert limits["login_failed"] == "20/5m/ip,5/5m/key"
    assert "request_login_code" in limits
    cache = settings.CACHES["default"]["BACKEND"]
    assert cache in {
        "django.core.cache.backends.locmem.LocMemCache",
        "common.cache.FallbackCache",
    }


def test_five_wrong_passwords_lock_the_address_even_for_the_right_password(client, resident):
    for _ in range(5):
        response = attempt(client, resident.email, "wrong-password")
        assert response.status_code == 200
        assert LOCKED.encode() not in response.content
    locked = attempt(client, resident.email, "wrong-password")
    assert LOCKED.encode() in locked.content

    right = attempt(client, resident.email, PASSWORD)
    assert right.status_code == 200
    assert LOCKED.encode() in right.content
    assert not logged_in(client)


def test_guessing_from_elsewhere_cannot_lock_the_owner_out(client, resident):
    for _ in range(12):
        attempt(client, resident.email, "wrong-password", ip="198.51.100.9")
    assert LOCKED.encode() in attempt(client, resident.email, PASSWORD, ip="198.51.100.9").content
    assert not logged_in(client)

    owner = Client()
    response = attempt(owner, resident.email, PASSWORD, ip="203.0.113.50")
    assert response.status_code == 302
    assert logged_in(owner)


def test_a_login_code_still_works_where_the_password_is_locked(client, resident):
    for _ in range(6):
        attempt(client, resident.email, "wrong-password")
    assert LOCKED.encode() in attempt(client, resident.email, PASSWORD).content
    mail.outbox.clear()
    asked = client.post(
        reverse("account_request_login_code"), {"email": resident.email}, REMOTE_ADDR="203.0.113.7"
    )
    assert asked.status_code == 302
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    client.post(reverse("account_confirm_login_code"), {"code": code}, REMOTE_ADDR="203.0.113.7")
    assert logged_in(client)


def test_another_account_from_the_same_address_is_not_affected(client, resident, other_resident):
    for _ in range(6):
        attempt(client, resident.email, "wrong-password")
    response = attempt(client, other_resident.email, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_correct_login_before_the_limit_does_not_reset_the_count(client, resident):
    for _ in range(4):
        attempt(client, resident.email, "wrong-password")
    assert attempt(client, resident.email, PASSWORD).status_code == 302
    client.post(reverse("account_logout"))
    attempt(client, resident.email, "wrong-password")
    assert LOCKED.encode() in attempt(client, resident.email, PASSWORD).content


def test_twenty_failures_from_one_ip_lock_that_ip_only(client, db):
    people = [factories.UserFactory(email=f"guess{n}@example.org") for n in range(6)]
    for n in range(20):
        attempt(client, people[n % 5].email, "wrong-password", ip="192.0.2.66")
    fresh = people[5]
    assert LOCKED.encode() in attempt(client, fresh.email, PASSWORD, ip="192.0.2.66").content
    assert not logged_in(client)
    assert attempt(client, fresh.email, PASSWORD, ip="192.0.2.67").status_code == 302
    assert logged_in(client)


def test_wrong_authenticator_codes_are_throttled_too(client, agent):
    attempt(client, agent.email, PASSWORD)
    for _ in range(5):
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert b"Incorrect code." in response.content
    locked = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code()})
    assert LOCKED.encode() in locked.content
    assert not logged_in(client)


def test_the_lock_message_is_translated(client, resident, settings):
    for _ in range(5):
        attempt(client, resident.email, "wrong-password")
    with translation.override("fi"):
        finnish = translation.gettext(LOCKED)
    assert finnish != LOCKED
    settings.LANGUAGE_CODE = "fi"  # the unprefixed URLs are Finnish, as in production
    response = client.post(
        "/accounts/login/",
        {"login": resident.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert finnish.encode() in response.content


def test_login_codes_are_limited_per_address_and_ip(resident):
    def request_code(ip="192.0.2.10"):
        # A fresh browser each time: one session keeps waiting for its first code.
        return Client().post(
            reverse("account_request_login_code"), {"email": resident.email}, REMOTE_ADDR=ip
        )

    for _ in range(3):
        assert request_code().status_code == 302
    refused = request_code()
    assert refused.status_code == 200
    assert LOCKED.encode() in refused.content
    assert len(mail.outbox) == 3
    # The owner, elsewhere, still gets a code.
    assert request_code(ip="203.0.113.80").status_code == 302
    assert len(mail.outbox) == 4


def test_a_login_code_can_be_tried_three_times(client, resident):
    client.post(reverse("account_request_login_code"), {"email": resident.email})
    for _ in range(3):
        client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    client.post(reverse("account_confirm_login_code"), {"code": code})
    assert not logged_in(client)
