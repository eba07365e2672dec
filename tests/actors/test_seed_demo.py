from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from actors import roles
from actors.models import District, User
from grants.models import ClosingReport, Idea, Round


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_and_is_idempotent():
    call_command("seed_demo")
    counts = (User.objects.count(), Idea.objects.count(), Round.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Idea.objects.count(), Round.objects.count()) == counts

    assert set(District.objects.values_list("slug", flat=True)) >= {"iittala", "jukola"}
    round_ = Round.objects.get(slug="kyla-kaupungissa")
    assert round_.budget == Decimal("60000.00")
    assert round_.is_open_on(__import__("django.utils.timezone").utils.timezone.localdate())
    assert ClosingReport.objects.count() >= 1
    assert len(set(Idea.objects.values_list("status", flat=True))) >= 3
    assert Idea.objects.filter(title="Elämänkaarikahvila").exists()
    assert Idea.objects.filter(title="Torstaitreffit").exists()


@pytest.mark.django_db
def test_the_demo_shows_a_closed_round_and_what_the_city_decided():
    from django.utils import timezone

    from grants.models import CityDecision, ReasonTemplate

    call_command("seed_demo")
    call_command("seed_demo")
    earlier = Round.objects.get(slug="kevat")
    assert not earlier.is_open_on(timezone.localdate())
    assert set(earlier.districts.values_list("slug", flat=True)) == {"iittala", "jukola"}
    pilots = Idea.objects.filter(round=earlier)
    assert set(pilots.values_list("district__slug", flat=True)) == {"iittala", "jukola"}
    outcomes = dict(
        CityDecision.objects.filter(idea__round=earlier).values_list("idea__title", "outcome")
    )
    assert outcomes == {
        "Torstaitreffit": "permanent",
        "Kielikahvila kirjastossa": "spread",
        "Ulkojumppa puistossa": "stop",
    }
    # The permanent service is tried again in the other district.
    repeat = Idea.objects.get(title="Torstaitreffit Iittalassa")
    assert repeat.origin.title == "Torstaitreffit" and repeat.district.slug == "iittala"
    assert ReasonTemplate.objects.count() == 2
    assert User.objects.get(email="admin@example.org").has_perm("grants.manage_programme")


@pytest.mark.django_db
def test_demo_logins_have_their_roles():
    call_command("seed_demo")
    resident = User.objects.get(email="resident@example.org")
    agent = User.objects.get(email="agent@example.org")
    manager = User.objects.get(email="manager@example.org")
    for user in (resident, agent, manager):
        assert user.check_password("minipilot-demo")
    assert roles.is_agent(agent)
    assert not roles.is_agent(manager) and roles.can_view_reports(manager)
    assert not roles.can_view_dashboard(resident)


@pytest.mark.django_db
def test_migrations_create_no_users():
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_the_demo_agent_and_manager_log_in_with_the_documented_authenticator(client):
    from allauth.mfa.models import Authenticator
    from django.urls import reverse

    from devtools.management.commands.seed_demo import DEMO_TOTP_SECRET
    from tests.factories import totp_code

    call_command("seed_demo")
    call_command("seed_demo")
    readme = Path(settings.BASE_DIR, "README.md").read_text(encoding="utf-8")
    assert DEMO_TOTP_SECRET in readme
    for email, page in (
        ("agent@example.org", "grants:agent"),
        ("manager@example.org", "reports:index"),
    ):
        assert Authenticator.objects.filter(user__email=email).count() == 1
        response = client.post(
            reverse("account_login"), {"login": email, "password": "minipilot-demo"}
        )
        assert response.url == reverse("mfa_authenticate")
        client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)})
        # The demo people read Finnish: the page opens in their language.
        response = client.get(reverse(page), follow=True)
        assert response.status_code == 200
        assert response.request["PATH_INFO"].endswith(reverse(page).removeprefix("/en"))
        client.post(reverse("account_logout"))
