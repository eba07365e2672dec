"""A visitor writes an idea before logging in, gives an email at the end, logs in with the code
sent to them, and finds the idea submitted; nothing typed is lost on the way."""

import re

from django.core import mail
from django.urls import reverse

from actors.models import User
from grants.models import Idea
from tests.grants.test_views import _form_data


def _code_from_mail() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"^\s*([A-Z0-9][A-Z0-9-]{4,}[A-Z0-9])\s*$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


def test_a_visitor_submits_and_logs_in_by_code(
    client, open_round, district, agent, django_capture_on_commit_callbacks
):
    data = _form_data(district, title="Lukupiiri bussissa")

    written = client.post(reverse("grants:idea_new"), data)
    assert written.status_code == 302 and written.url == reverse("grants:idea_finish")
    assert Idea.objects.count() == 0

    # Going back to the form shows everything that was typed.
    again = client.get(reverse("grants:idea_new"))
    assert "Lukupiiri bussissa" in again.content.decode()

    mail.outbox.clear()
    asked = client.post(reverse("grants:idea_finish"), {"email": "New.Person@Example.org"})
    assert asked.status_code == 302
    assert asked.url.startswith(reverse("account_confirm_login_code"))
    assert mail.outbox[-1].to == ["new.person@example.org"]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(asked.url, {"code": _code_from_mail()}, follow=True)

    assert confirmed.status_code == 200
    person = User.objects.get(email="new.person@example.org")
    idea = Idea.objects.get()
    assert (idea.title, idea.created_by, idea.status) == ("Lukupiiri bussissa", person, "submitted")
    assert not person.has_usable_password()
    assert any(message.to == [agent.email] for message in mail.outbox)
    assert "Lukupiiri bussissa" in client.get(reverse("grants:my")).content.decode()


def test_a_wrong_email_keeps_the_idea(client, open_round, district):
    client.post(reverse("grants:idea_new"), _form_data(district, title="Pihatalkoot"))
    refused = client.post(reverse("grants:idea_finish"), {"email": "not an email"})
    assert refused.status_code == 400
    assert "Enter a valid email address." in refused.content.decode()
    assert "Pihatalkoot" in client.get(reverse("grants:idea_new")).content.decode()


def test_the_finish_page_without_an_idea_goes_back_to_the_form(client, db):
    response = client.get(reverse("grants:idea_finish"))
    assert response.status_code == 302 and response.url == reverse("grants:idea_new")


def test_an_existing_person_logs_in_by_code_too(client, open_round, district, resident):
    client.post(reverse("grants:idea_new"), _form_data(district, title="Talkoot"))
    mail.outbox.clear()
    asked = client.post(reverse("grants:idea_finish"), {"email": resident.email})
    client.post(asked.url, {"code": _code_from_mail()}, follow=True)
    assert Idea.objects.get().created_by == resident
