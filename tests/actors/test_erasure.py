"""Erasing a person: drafts and their files go, what they sent stays for the statistics and the
audit trail without anything that names them, and the account can never log in again."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from actors import services as actor_services
from actors.models import Actor, Invitation, Membership, User
from audit.models import AuditEvent
from grants import services
from grants.models import Attachment, BudgetLine, CityDecision, Idea, Message, Notification
from reports import selectors as report_selectors
from tests import factories

EMAIL = "tuulikki.erasmaa@example.org"
PHONE = "+358 40 765 4321"
NAME = "Tuulikki Erasmaa"
TEXT_TYPES = {"CharField", "TextField", "JSONField", "EmailField", "SlugField"}


def tables_holding(needle: str) -> list[str]:
    """Every table and text column of the database (every app's, third-party ones too) that
    holds the needle, found by introspection rather than by a list that could miss one."""
    found = []
    models_by_table = {model._meta.db_table: model for model in apps.get_models()}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                field_type = connection.introspection.get_field_type(column.type_code, column)
                model = models_by_table.get(table)
                if model is not None:
                    fields = {f.column: f for f in model._meta.concrete_fields}
                    field = fields.get(column.name)
                    if field is not None:
                        field_type = field.get_internal_type()
                if field_type not in TEXT_TYPES:
                    continue
                quoted = connection.ops.quote_name
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quoted(table)} "  # noqa: S608 - names from the schema
                    f"WHERE LOWER(CAST({quoted(column.name)} AS TEXT)) LIKE %s",
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


@pytest.fixture
def person(db):
    user = actor_services.user_get_or_create_for_email(email=EMAIL, language="en")
    actor_services.user_update_profile(user=user, full_name=NAME, phone=PHONE, language="en")
    return user


@pytest.fixture
def history(person, agent, district, open_round, django_capture_on_commit_callbacks):
    """A pilot granted and reported, a draft with a file, messages, an organisation, an
    invitation, notifications, an authenticator app and a login session."""
    with django_capture_on_commit_callbacks(execute=True):
        pilot = factories.idea_in_status(
            "reported", created_by=person, agent=agent, district=district
        )
    # Its grant is paid: a grant still to be paid keeps its maker (tests/defects).
    services.grant_mark_paid(grant=pilot.grant, by=agent, paid_on=timezone.localdate())
    services.message_post(idea=pilot, by=person, body=f"Call me: {PHONE} or {EMAIL}")
    services.message_post(idea=pilot, by=agent, body="Thank you!")
    BudgetLine.objects.create(idea=pilot, description=f"Coffee bought by {NAME}", amount="20.00")
    Attachment.objects.create(
        idea=pilot,
        file=SimpleUploadedFile("poster.pdf", b"%PDF-1.4 poster"),
        original_name=f"{NAME} poster.pdf",
        content_type="application/pdf",
        size=15,
        uploaded_by=person,
    )
    CityDecision.objects.create(
        idea=pilot, outcome="makers", reason=f"{NAME} runs it on her own", decided_by=agent
    )
    draft = factories.idea_in_status("draft", created_by=person, agent=agent, district=district)
    attachment = services.attachment_add(
        idea=draft, by=person, uploaded=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan")
    )
    association = factories.ActorFactory(members=[person, agent])
    Invitation.objects.create(actor=association, email=EMAIL, token="t-1", invited_by=agent)
    assisted = services.idea_create_assisted(
        agent=agent, person_name=NAME, person_phone=PHONE, district=district, **_fields()
    )
    services.idea_claim(code=assisted.claim_code, user=person)
    factories.give_totp(person)
    return {
        "pilot": pilot,
        "draft": draft,
        "file": attachment.file.name,
        "association": association,
    }


def _fields():
    return factories.idea_fields(title="Puhelimessa kerrottu idea")


def test_the_erasure_leaves_no_trace_of_the_person_but_keeps_the_pilot(
    client, person, history, district, django_capture_on_commit_callbacks
):
    client.force_login(person)
    # A login through the city's identity provider keeps what the provider said of them.
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.create(
        user=person, provider="city", uid="p-1", extra_data={"userinfo": {"email": EMAIL}}
    )
    before = report_selectors.district_report(district=district)
    for needle in (EMAIL, PHONE, NAME):
        assert tables_holding(needle), f"the check must see {needle} before the erasure"
    assert default_storage.exists(history["file"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("actors:data_delete"), {"confirm": "on"})

    assert response.status_code == 302 and response.url == reverse("home")
    for needle in (EMAIL, PHONE, NAME):
        assert tables_holding(needle) == [], needle
    # The pilot still counts, with its money and its report.
    after = report_selectors.district_report(district=district)
    assert after["pilot_count"] == before["pilot_count"] == 1
    assert after["money"] == before["money"]
    assert after["ratings"]["count"] == 1
    pilot = Idea.objects.get(pk=history["pilot"].pk)
    assert pilot.created_by_id == person.pk and pilot.closing_report.lessons.count() == 1
    assert Message.objects.filter(idea=pilot, author=person).exists()
    # The draft and its file are gone.
    assert not Idea.objects.filter(pk=history["draft"].pk).exists()
    assert not Attachment.objects.filter(idea_id=history["draft"].pk).exists()
    assert not default_storage.exists(history["file"])
    # The account, its addresses, sessions, memberships, notifications and authenticator.
    erased = User.objects.get(pk=person.pk)
    assert erased.email.startswith("erased-") and erased.email.endswith("@invalid")
    assert (erased.full_name, erased.phone, erased.is_active) == ("", "", False)
    assert not erased.has_usable_password() and erased.language == "en"
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Session.objects.exists()
    assert not Membership.objects.filter(user=person).exists()
    assert history["association"].memberships.count() == 1  # the other member stays
    assert not Invitation.objects.exists()
    assert not Notification.objects.filter(recipient=person).exists()
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        assert not Authenticator.objects.filter(user=person).exists()
    assert Actor.objects.filter(pk=pilot.applicant_id).exists()
    [event] = AuditEvent.objects.filter(action="account_erased")
    assert event.actor is None and event.actor_label == f"user #{person.pk} (resident)"
    assert event.object_id == str(person.pk) and event.details["drafts_deleted"] == 1


def test_the_person_is_logged_out_told_and_cannot_log_in_again(client, person, history):
    client.force_login(person)
    response = client.post(reverse("actors:data_delete"), {"confirm": "on"}, follow=True)
    assert "Your account is erased" in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert client.get(reverse("grants:my")).status_code == 302
    assert not client.login(email=EMAIL, password="secret-pass-123")
    login = client.post(reverse("account_login"), {"login": EMAIL, "password": "secret-pass-123"})
    assert login.status_code == 200 and "_auth_user_id" not in client.session


def test_the_confirmation_page_explains_and_get_never_erases(client, person, history):
    client.force_login(person)
    response = client.get(reverse("actors:data_delete"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "What is erased" in page and "What is kept, and why" in page
    assert "public money" in page
    assert User.objects.get(pk=person.pk).email == EMAIL


def test_without_the_tick_nothing_is_erased(client, person, history):
    client.force_login(person)
    response = client.post(reverse("actors:data_delete"), {})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert User.objects.get(pk=person.pk).is_active
    assert Idea.objects.filter(pk=history["draft"].pk).exists()


def test_anonymous_visitors_go_to_the_login(client, db):
    for method in (client.get, client.post):
        response = method(reverse("actors:data_delete"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_agents_and_managers_cannot_erase_themselves(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    page = client.get(reverse("actors:data_delete")).content.decode()
    assert "Ask the administrator" in page and 'name="confirm"' not in page
    assert client.post(reverse("actors:data_delete"), {"confirm": "on"}).status_code == 403
    assert User.objects.get(pk=user.pk).is_active
    with pytest.raises(actor_services.ErasureRefused):
        actor_services.user_erase(user)


def test_staff_cannot_erase_themselves(client, db):
    staff = factories.StaffFactory()
    client.force_login(staff)
    assert client.post(reverse("actors:data_delete"), {"confirm": "on"}).status_code == 403


def test_the_download_before_and_after(client, person, history):
    client.force_login(person)
    data = json.loads(client.get(reverse("actors:data_export")).content)
    assert data["account"]["email"] == EMAIL and data["account"]["phone"] == PHONE
    assert {idea["status"] for idea in data["ideas"]} == {"reported", "draft"}
    assert data["audit_events"] == []
    again = json.loads(client.get(reverse("actors:data_export")).content)
    assert [event["action"] for event in again["audit_events"]] == ["data_exported"]
    assert "deletion_notice_sent" in data["ideas"][0]

    actor_services.user_erase(person)
    client.force_login(User.objects.get(pk=person.pk))
    text = client.get(reverse("actors:data_export")).content.decode()
    assert EMAIL not in text and PHONE not in text and NAME not in text


def test_the_search_terms_keep_no_trace_of_the_name_even_inflected(
    client, person, agent, district, open_round, django_capture_on_commit_callbacks
):
    from grants.models import CountedTerms, IdeaTerm, TermStat
    from grants.similarity import terms_of

    with django_capture_on_commit_callbacks(execute=True):
        pilot = factories.idea_in_status(
            "closed",
            created_by=person,
            agent=agent,
            district=district,
            title="Tuulikin kahvila Erasmaan pihalla",
        )
    services.grant_mark_paid(grant=pilot.grant, by=agent, paid_on=timezone.localdate())
    personal = terms_of(f"{NAME} tuulikki erasmaa")
    assert IdeaTerm.objects.filter(idea=pilot, term__in=personal).exists()
    services.term_stats_refresh()
    assert TermStat.objects.filter(term__in=personal).exists()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("actors:data_delete"), {"confirm": "on"})
    assert not IdeaTerm.objects.filter(term__in=personal).exists()
    assert not TermStat.objects.filter(term__in=personal).exists()
    counted = CountedTerms.objects.filter(idea_id=pilot.pk).values_list("terms", flat=True)
    assert all(not set(terms) & personal for terms in counted)
    services.term_stats_refresh()  # the next refresh counts without them too
    assert not TermStat.objects.filter(term__in=personal).exists()
    assert IdeaTerm.objects.filter(idea=pilot, term__startswith="kahvil").exists()
