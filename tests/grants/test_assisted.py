"""Assisted submission: an agent enters the idea of someone without email; they claim it later."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grants import services
from grants.models import Idea
from grants.selectors import agent_queue
from tests.factories import idea_fields
from tests.grants.test_views import _form_data


def test_an_agent_enters_an_idea_for_a_caller(client, agent, open_round, district):
    client.force_login(agent)
    response = client.post(
        reverse("grants:agent_idea_new"),
        {
            **_form_data(district, title="Kävelykerho"),
            "person_name": "Eila Virtanen",
            "person_phone": "040 123 4567",
        },
    )
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert (idea.assisted, idea.status, idea.applicant.name) == (True, "submitted", "Eila Virtanen")
    assert len(idea.claim_code) == 8
    assert idea in agent_queue().qs
    page = client.get(reverse("grants:agent_idea", args=[idea.pk])).content.decode()
    assert idea.claim_code in page and "040 123 4567" in page


def test_only_agents_enter_ideas_for_others(client, resident, manager, open_round, district):
    for user in (resident, manager):
        client.force_login(user)
        assert client.get(reverse("grants:agent_idea_new")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.idea_create_assisted(
            agent=resident, person_name="X", district=district, **idea_fields()
        )


def test_the_person_claims_the_idea_once_with_the_code(
    client, agent, other_resident, district, open_round
):
    idea = services.idea_create_assisted(
        agent=agent, person_name="Eila Virtanen", district=district, **idea_fields()
    )
    client.force_login(other_resident)
    assert client.get(reverse("grants:idea", args=[idea.pk])).status_code == 403

    wrong = client.post(reverse("grants:idea_claim"), {"code": "WRONG123"})
    assert wrong.status_code == 400
    code = idea.claim_code
    claimed = client.post(reverse("grants:idea_claim"), {"code": code.lower()})
    assert claimed.status_code == 302
    assert client.get(reverse("grants:idea", args=[idea.pk])).status_code == 200
    assert idea.title in client.get(reverse("grants:my")).content.decode()

    with pytest.raises(ValidationError):
        services.idea_claim(code=code, user=agent)  # the code worked once


def test_claiming_needs_a_login(client, db):
    response = client.get(reverse("grants:idea_claim"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
