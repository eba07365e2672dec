"""Spam without forcing a login: suspects wait in the moderation list, unannounced."""

import pytest
from django.core import mail
from django.urls import reverse

from grants import selectors, spam
from grants.models import Idea
from tests.grants.test_views import _form_data


@pytest.fixture(autouse=True)
def _fresh_counts():
    from django.core.cache import cache

    cache.clear()


def _submit(client, district, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:idea_new"), _form_data(district, **overrides))
    assert response.status_code == 302
    return Idea.objects.latest("id")


def test_a_normal_submission_goes_to_the_queue(
    client, resident, agent, open_round, district, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    idea = _submit(client, district, django_capture_on_commit_callbacks)
    assert idea.held_reason == ""
    assert idea in selectors.agent_queue().qs


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"website": "http://cheap-pills.example"}, spam.REASON_HONEYPOT),
        ({"started": "FRESH"}, spam.REASON_TOO_FAST),
        ({"started": ""}, spam.REASON_TOO_FAST),
        ({"started": "forged:token"}, spam.REASON_TOO_FAST),
    ],
    ids=["honeypot", "too fast", "no timing", "forged timing"],
)
def test_suspects_are_held_and_nobody_is_emailed(
    client,
    resident,
    agent,
    open_round,
    district,
    django_capture_on_commit_callbacks,
    overrides,
    reason,
):
    if overrides.get("started") == "FRESH":  # a token made now: the form was "filled" at once
        overrides = {"started": spam.form_started_token()}
    client.force_login(resident)
    mail.outbox.clear()
    idea = _submit(client, district, django_capture_on_commit_callbacks, **overrides)

    assert str(reason) in idea.held_reason
    assert idea.status == "submitted"
    assert idea not in selectors.agent_queue().qs
    assert idea in selectors.moderation_list()
    assert mail.outbox == []


def test_too_many_ideas_from_one_account_are_held(
    client, resident, open_round, district, settings, django_capture_on_commit_callbacks
):
    settings.SPAM_MAX_IDEAS_PER_HOUR_PER_ACCOUNT = 2
    client.force_login(resident)
    ideas = [_submit(client, district, django_capture_on_commit_callbacks) for _ in range(3)]
    assert [bool(idea.held_reason) for idea in ideas] == [False, False, True]
    assert str(spam.REASON_ACCOUNT_LIMIT) in ideas[-1].held_reason


def test_too_many_ideas_from_one_address_are_held(
    client,
    resident,
    other_resident,
    open_round,
    district,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SPAM_MAX_IDEAS_PER_HOUR_PER_IP = 1
    client.force_login(resident)
    first = _submit(client, district, django_capture_on_commit_callbacks)
    client.force_login(other_resident)
    second = _submit(client, district, django_capture_on_commit_callbacks)
    assert (first.held_reason, bool(second.held_reason)) == ("", True)


def test_the_agent_releases_a_held_idea_and_everyone_is_told(
    client, resident, agent, open_round, district, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    idea = _submit(client, district, django_capture_on_commit_callbacks, website="x")

    dashboard = client.get(reverse("grants:agent"))
    assert dashboard.status_code == 403  # a resident cannot see the moderation list
    assert client.post(reverse("grants:agent_release", args=[idea.pk])).status_code == 403

    client.force_login(agent)
    assert idea.title in client.get(reverse("grants:agent")).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grants:agent_release", args=[idea.pk]))

    idea.refresh_from_db()
    assert idea.held_reason == ""
    assert idea in selectors.agent_queue().qs
    assert sorted(message.to[0] for message in mail.outbox) == [agent.email, resident.email]


def test_the_honeypot_is_hidden_from_people(client, open_round):
    page = client.get(reverse("grants:idea_new")).content.decode()
    assert 'class="mp-hp' in page
    assert 'name="website"' in page
