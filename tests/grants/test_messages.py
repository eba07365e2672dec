"""The thread between makers and agents, and the agents' internal notes."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from grants import services
from grants.models import Message


def test_maker_and_agent_talk_and_each_side_is_told(
    make_idea, resident, agent, django_capture_on_commit_callbacks
):
    idea = make_idea("submitted")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(idea=idea, by=resident, body="Can we use the school hall?")
        services.message_post(idea=idea, by=agent, body="Yes, ask the caretaker.")
    assert [message.to for message in mail.outbox] == [[agent.email], [resident.email]]
    assert list(Message.objects.values_list("from_agent", flat=True)) == [False, True]


def test_internal_notes_stay_with_the_agents(
    client, make_idea, resident, agent, django_capture_on_commit_callbacks
):
    idea = make_idea("submitted")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(idea=idea, by=agent, body="Knows the parish well", internal=True)
    assert mail.outbox == []

    client.force_login(resident)
    assert (
        "Knows the parish well"
        not in client.get(reverse("grants:idea", args=[idea.pk])).content.decode()
    )
    client.force_login(agent)
    assert (
        "Knows the parish well"
        in client.get(reverse("grants:agent_idea", args=[idea.pk])).content.decode()
    )


def test_only_agents_write_internal_notes_and_strangers_nothing(
    make_idea, resident, other_resident
):
    idea = make_idea("submitted")
    with pytest.raises(PermissionDenied):
        services.message_post(idea=idea, by=resident, body="psst", internal=True)
    with pytest.raises(PermissionDenied):
        services.message_post(idea=idea, by=other_resident, body="hello")


def test_the_question_and_the_answer_join_the_thread(make_idea, resident, agent):
    idea = make_idea("submitted")
    services.idea_ask_info(idea=idea, by=agent, question="Where will you meet?")
    services.idea_answer(idea=idea, by=resident, answer="In the school library.")
    idea.refresh_from_db()
    assert idea.status == "submitted"  # the answer sends the idea back to the agent
    assert list(Message.objects.filter(idea=idea).values_list("body", flat=True)) == [
        "Where will you meet?",
        "In the school library.",
    ]


def test_posting_through_the_page(client, make_idea, resident, other_resident):
    idea = make_idea("submitted")
    url = reverse("grants:idea_messages", args=[idea.pk])
    client.force_login(other_resident)
    assert client.post(url, {"body": "Hi"}).status_code == 403

    client.force_login(resident)
    empty = client.post(url, {"body": ""})
    assert empty.status_code == 400
    sent = client.post(url, {"body": "We start on Monday."})
    assert sent.status_code == 302
    assert Message.objects.get(idea=idea).body == "We start on Monday."
