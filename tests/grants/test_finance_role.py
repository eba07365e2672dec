"""The city's finance office as a role of its own: it pays the month's grants from one file and
sees where each grant goes, without the agent's dashboard, ideas or reports."""

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from actors import roles
from actors import services as actor_services
from actors.adapter import AccountAdapter
from actors.mfa import requires_mfa
from grants.models import Grant, PaymentBatch
from tests import factories
from tests.grants.test_payment_batches import grants, make_batch  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance():
    return factories.FinanceFactory(email="talous@example.org", full_name="Talouspalvelut")


def test_the_finance_office_pays_a_batch_from_its_own_page(client, finance, grants):  # noqa: F811
    client.force_login(finance)
    home = client.get(reverse("home"))
    assert reverse("grants:agent_money") in home.content.decode()
    assert reverse("grants:agent") + '"' not in home.content.decode()

    page = client.get(reverse("grants:agent_money"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Seura 0 ry" in body  # the payee, for the one who pays
    assert 'form="batch-form"' in body
    # The pilot's title without a link to the agent's idea page, which it may not open.
    assert reverse("grants:agent_idea", args=[grants[0].idea_id]) not in body
    assert reverse("grants:agent") + '"' not in body

    response = make_batch(client, grants)
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302
    assert client.get(reverse("grants:batch_sepa", args=[batch.pk])).status_code == 200
    today = timezone.localdate()
    paid = client.post(
        reverse("grants:batch_paid", args=[batch.pk]),
        {"paid_on": today.isoformat(), "reference": "PANKKI-1"},
    )
    assert paid.status_code == 302
    assert set(Grant.objects.values_list("payment_state", flat=True)) == {Grant.Payment.PAID}
    assert set(Grant.objects.values_list("paid_by", flat=True)) == {finance.pk}

    csv = b"".join(client.get(reverse("grants:payments_csv")).streaming_content).decode()
    assert "FI2112345600000785" in csv


def test_the_finance_office_reads_no_idea_dashboard_or_report(client, finance, grants):  # noqa: F811
    client.force_login(finance)
    for url in (
        reverse("grants:agent"),
        reverse("grants:agent_idea", args=[grants[0].idea_id]),
        reverse("reports:index"),
    ):
        assert client.get(url).status_code == 403, url
    assert not roles.is_agent(finance)
    assert roles.can_pay(finance)


def test_the_finance_office_needs_a_second_factor_and_lands_on_the_payments(finance):
    assert requires_mfa(finance)
    assert roles.is_privileged(finance)
    request = RequestFactory().get("/")
    request.user = finance
    assert AccountAdapter(request).get_login_redirect_url(request) == reverse("grants:agent_money")


def test_an_administrator_gives_and_takes_the_finance_role(django_capture_on_commit_callbacks):
    administrator = factories.AdministratorFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        person = actor_services.staff_invite(
            by=administrator, email="kirjanpito@example.org", role="finance"
        )
    person = type(person).objects.get(pk=person.pk)
    assert roles.can_pay(person) and not roles.can_view_dashboard(person)
    assert [message.to for message in mail.outbox] == [["kirjanpito@example.org"]]
    actor_services.staff_role_remove(by=administrator, user=person, role="finance")
    person = type(person).objects.get(pk=person.pk)
    assert not roles.can_pay(person)


def test_a_manager_still_sees_no_bank_details(client, grants):  # noqa: F811
    client.force_login(factories.ManagerFactory())
    body = client.get(reverse("grants:agent_money")).content.decode()
    assert "Seura 0 ry" not in body and 'form="batch-form"' not in body
    assert client.post(reverse("grants:batch_create"), {}).status_code == 403
