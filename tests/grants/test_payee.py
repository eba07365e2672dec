"""Where a grant is paid: the makers give the payee and the IBAN after the approval, checked by
schwifty and python-stdnum; the agents who pay see them, the managers do not; an organisation's
details are kept for its later grants; the download holds them and erasure removes them."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actors import services as actor_services
from actors.validators import clean_iban, validate_business_id
from audit.models import AuditEvent
from grants.models import Payee
from tests import factories

VALID_IBAN = "FI21 1234 5600 0007 85"


def _csv_text(client) -> str:
    response = client.get(reverse("grants:payments_csv"))
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize(
    ("typed", "compact", "bic"),
    [
        ("FI21 1234 5600 0007 85", "FI2112345600000785", "NDEAFIHH"),
        ("fi2112345600000785", "FI2112345600000785", "NDEAFIHH"),
        (" FI21-1234-5600-0007-85 ", "FI2112345600000785", "NDEAFIHH"),
        ("GB33 BUKB 2020 1555 5555 55", "GB33BUKB20201555555555", "BUKBGB22"),
        ("CH93 0076 2011 6238 5295 7", "CH9300762011623852957", ""),
    ],
)
def test_an_iban_is_read_as_people_copy_it(typed, compact, bic):
    assert clean_iban(typed) == (compact, bic)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("FI21 1234 5600 0007 86", "checksum"),
        ("FI2212345600000785", "checksum"),
        ("BR18 0036 0305 0000 1000 9795 493C 1", "sepa"),
        ("US12 3456", "format"),
        ("12345600000785", "format"),
        ("", "required"),
    ],
)
def test_a_wrong_iban_is_refused_with_what_to_fix(typed, code):
    with pytest.raises(ValidationError) as refused:
        clean_iban(typed)
    assert refused.value.code == code


@pytest.mark.parametrize("value", ["0201256-6", "2617416-4", "0112038-9"])
def test_a_real_business_id_is_valid(value):
    validate_business_id(value)


@pytest.mark.parametrize(
    ("value", "code"), [("0201256-5", "checksum"), ("0201256", "format"), ("02012566", "format")]
)
def test_a_wrong_business_id_is_refused(value, code):
    with pytest.raises(ValidationError) as refused:
        validate_business_id(value)
    assert refused.value.code == code


def test_the_maker_is_asked_after_the_approval_and_gives_the_account(client, resident, make_idea):
    idea = make_idea("approved")
    client.force_login(resident)
    page = client.get(reverse("grants:idea", args=[idea.pk])).content.decode()
    assert reverse("grants:idea_payee", args=[idea.pk]) in page

    url = reverse("grants:idea_payee", args=[idea.pk])
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"name": "Aino Asukas", "iban": "FI21 1234 5600 0007 86"})
    assert wrong.status_code == 400
    assert "check digits do not match" in wrong.content.decode()
    assert "Aino Asukas" in wrong.content.decode()  # what was typed stays
    assert not Payee.objects.exists()

    saved = client.post(url, {"name": "Aino Asukas", "iban": VALID_IBAN.lower()})
    assert saved.status_code == 302
    payee = Payee.objects.get(actor=idea.applicant)
    assert (payee.name, payee.iban, payee.bic) == ("Aino Asukas", "FI2112345600000785", "NDEAFIHH")
    assert payee.business_id == ""
    page = client.get(reverse("grants:idea", args=[idea.pk])).content.decode()
    assert "ending 0785" in page
    event = AuditEvent.objects.get(action="payee_changed")
    assert "0785" not in json.dumps(event.details)


def test_an_organisation_gives_its_business_id_and_its_details_serve_its_next_grant(
    client, resident, agent, district, open_round
):
    association = factories.ActorFactory(name="Kylä ry", district=district, members=[resident])
    first = factories.idea_in_status(
        "approved", created_by=resident, agent=agent, district=district, applicant=association
    )
    client.force_login(resident)
    url = reverse("grants:idea_payee", args=[first.pk])
    missing = client.post(url, {"name": "Kylä ry", "iban": VALID_IBAN})
    assert missing.status_code == 400 and "business_id" in missing.context["form"].errors
    wrong = client.post(url, {"name": "Kylä ry", "business_id": "0201256-5", "iban": VALID_IBAN})
    assert "check digit does not match" in wrong.content.decode()
    ok = client.post(url, {"name": "Kylä ry", "business_id": "0201256-6", "iban": VALID_IBAN})
    assert ok.status_code == 302
    association.refresh_from_db()
    assert association.business_id == "0201256-6"

    later = factories.idea_in_status(
        "approved", created_by=resident, agent=agent, district=district, applicant=association
    )
    form = client.get(reverse("grants:idea_payee", args=[later.pk])).context["form"]
    assert form.initial["iban"] == VALID_IBAN and form.initial["business_id"] == "0201256-6"
    assert Payee.objects.count() == 1


def test_only_the_makers_give_it_and_only_while_a_grant_waits(
    client, resident, other_resident, agent, make_idea
):
    approved = make_idea("approved")
    url = reverse("grants:idea_payee", args=[approved.pk])
    client.force_login(other_resident)
    assert client.get(url).status_code == 403
    client.force_login(agent)
    assert client.post(url, {"name": "X", "iban": VALID_IBAN}).status_code == 403
    client.force_login(resident)
    submitted = make_idea("submitted")
    assert client.get(reverse("grants:idea_payee", args=[submitted.pk])).status_code == 404
    from django.utils import timezone

    from grants import services

    services.grant_mark_paid(grant=approved.grant, by=agent, paid_on=timezone.localdate())
    assert client.get(url).status_code == 404
    assert not Payee.objects.exists()


def test_the_agent_sees_the_account_and_the_manager_does_not(
    client, resident, agent, manager, make_idea
):
    idea = make_idea("approved")
    Payee.objects.create(actor=idea.applicant, name="Aino Asukas", iban="FI2112345600000785")
    client.force_login(agent)
    assert (
        "FI21 1234 5600 0007 85"
        in client.get(reverse("grants:agent_idea", args=[idea.pk])).content.decode()
    )
    rows = list(csv.reader(io.StringIO(_csv_text(client))))
    assert "FI2112345600000785" in rows[1]

    client.force_login(manager)
    page = client.get(reverse("grants:agent_idea", args=[idea.pk])).content.decode()
    assert "0007 85" not in page
    text = _csv_text(client)
    assert "FI2112345600000785" not in text and "IBAN" not in text


def test_the_download_holds_the_account_and_erasure_removes_it(client, resident, agent, make_idea):
    from django.utils import timezone

    from grants import services

    idea = make_idea("approved")
    Payee.objects.create(actor=idea.applicant, name="Aino Asukas", iban="FI2112345600000785")
    client.force_login(resident)
    data = json.loads(client.get(reverse("actors:data_export")).content)
    assert [payee["iban"] for payee in data["payees"]] == ["FI2112345600000785"]

    services.grant_mark_paid(grant=idea.grant, by=agent, paid_on=timezone.localdate())
    actor_services.user_erase(resident)
    assert not Payee.objects.exists()


def test_the_approval_email_says_how_to_receive_the_grant(
    resident, make_idea, django_capture_on_commit_callbacks
):
    from django.core import mail

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_idea("approved")
    [to_maker] = [m for m in mail.outbox if m.to == [resident.email] and "500" in m.body]
    assert "who is paid and to which account" in to_maker.body


def _xlsx_rows(response) -> list[tuple]:
    from openpyxl import load_workbook

    content = b"".join(response.streaming_content)
    return list(
        load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)
    )


def test_the_grants_as_xlsx_keep_numbers_as_numbers_and_bank_details_from_managers(
    client, agent, manager, make_idea
):
    from decimal import Decimal

    idea = make_idea("approved", title='=HYPERLINK("http://x")')
    Payee.objects.create(actor=idea.applicant, name="Aino Asukas", iban="FI2112345600000785")
    client.force_login(agent)
    rows = _xlsx_rows(client.get(reverse("grants:payments_xlsx")))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'  # text, never a formula
    assert Decimal(str(rows[1][5])) == Decimal("500.00")  # a number, shown the reader's way
    assert "FI2112345600000785" in rows[1]
    client.force_login(manager)
    rows = _xlsx_rows(client.get(reverse("grants:payments_xlsx")))
    assert all("FI2112345600000785" not in row for row in rows)
    assert len(rows[0]) == 10
