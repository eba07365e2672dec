from decimal import Decimal

import pytest
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
    round_ = Round.objects.get(name="Kylä kaupungissa")
    assert round_.budget == Decimal("60000.00")
    assert round_.is_open_on(__import__("django.utils.timezone").utils.timezone.localdate())
    assert ClosingReport.objects.count() >= 1
    assert len(set(Idea.objects.values_list("status", flat=True))) >= 3
    assert Idea.objects.filter(title="Elämänkaarikahvila").exists()
    assert Idea.objects.filter(title="Torstaitreffit").exists()


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
