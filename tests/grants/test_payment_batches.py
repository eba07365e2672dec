"""Paying a month's grants from one file: the agent ticks the grants to pay, gets a SEPA credit
transfer (pain.001) that validates against the ISO 20022 schema and sums to the batch, and an
XLSX list; marking the batch paid records each payment once. A grant is never in two batches."""

import io
import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
import sepaxml
import xmlschema
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grants import services
from grants.models import Grant, Payee, PaymentBatch
from tests import factories

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
SCHEMA = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
IBANS = ["FI2112345600000785", "FI4950009420028730", "FI1410093000123458"]


@pytest.fixture
def grants(resident, agent, district, open_round):
    made = []
    for n, iban in enumerate(IBANS):
        association = factories.ActorFactory(
            name=f"Seura {n}", district=district, members=[resident]
        )
        idea = factories.idea_in_status(
            "approved",
            created_by=resident,
            agent=agent,
            district=district,
            applicant=association,
            title=f"Pilotti {n}",
        )
        Payee.objects.create(
            actor=association, name=f"Seura {n} ry", business_id="0201256-6", iban=iban
        )
        made.append(idea.grant)
    return made


def make_batch(client, grants, day=None):
    day = day or timezone.localdate() + timedelta(days=1)
    return client.post(
        reverse("grants:batch_create"),
        {"grants": [str(g.pk) for g in grants], "execution_date": day.isoformat()},
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_the_bank_file_validates_and_sums_to_the_batch(client, agent, grants):
    client.force_login(agent)
    money = client.get(reverse("grants:agent_money")).content.decode()
    assert 'form="batch-form"' in money

    response = make_batch(client, grants[:2])
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("grants:payment_batch", args=[batch.pk])
    assert batch.total == Decimal("1000.00")
    assert set(Grant.objects.filter(batch=batch)) == set(grants[:2])

    xml = client.get(reverse("grants:batch_sepa", args=[batch.pk]))
    assert xml["Content-Type"] == "application/xml"
    xmlschema.XMLSchema(str(SCHEMA)).validate(io.BytesIO(xml.content))
    tree = ElementTree.fromstring(xml.content)  # noqa: S314 - the app's own file
    assert tree.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS) == batch.message_id
    assert tree.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "1000.00"
    assert tree.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    amounts = [Decimal(node.text) for node in tree.findall(".//p:CdtTrfTxInf//p:InstdAmt", NS)]
    assert sum(amounts) == batch.total
    accounts = [node.text for node in tree.findall(".//p:CdtrAcct/p:Id/p:IBAN", NS)]
    assert accounts == IBANS[:2]
    assert tree.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "FI2112345600000785"

    sheet = load_workbook(
        io.BytesIO(client.get(reverse("grants:batch_xlsx", args=[batch.pk])).content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 2 + 1
    assert [row[6] for row in rows[1:3]] == IBANS[:2]
    assert Decimal(str(rows[-1][8])) == Decimal("1000.00")


def test_a_grant_is_never_in_two_batches_nor_paid_twice(client, agent, grants):
    client.force_login(agent)
    make_batch(client, grants[:2])
    again = make_batch(client, grants[1:])
    assert "Pilotti 1 is already in another payment batch." in messages_of(again)
    assert again.url == reverse("grants:agent_money")
    assert PaymentBatch.objects.count() == 1

    batch = PaymentBatch.objects.get()
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = client.post(reverse("grants:batch_paid", args=[batch.pk]), {"paid_on": tomorrow})
    assert future.status_code == 400
    assert "A payment date cannot be in the future." in future.content.decode()
    assert not Grant.objects.filter(payment_state="paid").exists()

    today = timezone.localdate()
    paid = client.post(
        reverse("grants:batch_paid", args=[batch.pk]), {"paid_on": today, "reference": "ARK-77"}
    )
    assert paid.status_code == 302
    assert "Every payment of the batch is recorded." in messages_of(paid)
    for grant in Grant.objects.filter(batch=batch):
        assert (grant.payment_state, grant.paid_on, grant.payment_reference) == (
            "paid",
            today,
            "ARK-77",
        )
    grants[0].round.refresh_from_db()
    assert grants[0].round.paid_total == Decimal("1000.00")
    twice = client.post(reverse("grants:batch_paid", args=[batch.pk]), {"paid_on": today})
    assert twice.status_code == 400
    assert "already marked as paid" in twice.content.decode()
    grants[0].round.refresh_from_db()
    assert grants[0].round.paid_total == Decimal("1000.00")

    paid_again = make_batch(client, grants[:1])
    assert "Pilotti 0 is already paid." in messages_of(paid_again)


def test_a_grant_without_its_payee_or_a_passed_day_is_refused_by_name(
    client, agent, grants, make_idea
):
    client.force_login(agent)
    unknown = make_idea("approved", title="Ilman tiliä")
    refused = make_batch(client, [grants[0], unknown.grant])
    assert "Ilman tiliä: the makers have not yet said where to pay it." in messages_of(refused)
    passed = make_batch(client, grants[:1], day=timezone.localdate() - timedelta(days=1))
    assert "The bank cannot pay on a day that has passed." in " ".join(messages_of(passed))
    assert not PaymentBatch.objects.exists()


def test_a_cancelled_batch_frees_its_grants(client, agent, grants):
    client.force_login(agent)
    make_batch(client, grants)
    batch = PaymentBatch.objects.get()
    client.post(reverse("grants:batch_cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == "cancelled"
    assert make_batch(client, grants).status_code == 302
    assert PaymentBatch.objects.filter(state="open").count() == 1


def test_a_single_payment_in_the_future_is_refused_on_the_money_page(client, agent, grants):
    client.force_login(agent)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("grants:grant_paid", args=[grants[2].pk]), {"paid_on": tomorrow.isoformat()}
    )
    assert response.url == reverse("grants:agent_money")
    assert "A payment date cannot be in the future." in " ".join(messages_of(response))
    missing = client.post(reverse("grants:grant_paid", args=[grants[2].pk]), {"paid_on": ""})
    assert "Give the payment date." in messages_of(missing)
    assert missing.url == reverse("grants:agent_money")


def test_managers_see_no_batch(client, agent, manager, grants):
    batch = services.batch_create(
        grant_ids=[g.pk for g in grants],
        by=agent,
        execution_date=timezone.localdate(),
    )
    client.force_login(manager)
    for name in ("grants:payment_batch", "grants:batch_sepa", "grants:batch_xlsx"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 403
    assert 'form="batch-form"' not in client.get(reverse("grants:agent_money")).content.decode()


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_making_batches_at_once_put_each_grant_in_one(district):
    agent = factories.AgentFactory(email="agent-a@example.org")
    other = factories.AgentFactory(email="agent-b@example.org")
    factories.RoundFactory(districts=[district], budget=Decimal("100000.00"))
    grants = []
    for n, iban in enumerate(IBANS):
        maker = factories.UserFactory(email=f"maker{n}@example.org")
        idea = factories.idea_in_status(
            "approved", created_by=maker, agent=agent, district=district, title=f"P{n}"
        )
        Payee.objects.create(actor=idea.applicant, name=f"Maker {n}", iban=iban)
        grants.append(idea.grant)
    barrier = threading.Barrier(2)
    outcomes = []

    def make(by, chosen):
        try:
            barrier.wait()
            services.batch_create(
                grant_ids=[g.pk for g in chosen], by=by, execution_date=timezone.localdate()
            )
            outcomes.append("made")
        except Exception as error:  # the refusal of the one that waited
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=make, args=(agent, grants[:2])),
        threading.Thread(target=make, args=(other, grants[1:])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ValidationError", "made"]
    batch = PaymentBatch.objects.get()
    assert Grant.objects.filter(batch=batch).count() == 2
    assert Grant.objects.filter(batch__isnull=False).count() == 2
