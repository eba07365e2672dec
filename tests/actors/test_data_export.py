import json

from django.urls import reverse

from grants import services


def test_a_person_downloads_their_own_data_and_nobody_elses(
    client, resident, other_resident, agent, make_idea
):
    idea = make_idea("submitted", title="Oma idea")
    services.message_post(idea=idea, by=resident, body="Kysymys agentille")
    services.message_post(idea=idea, by=agent, body="Sisäinen muistiinpano", internal=True)
    make_idea("draft", title="Toisen idea", created_by=other_resident)

    client.force_login(resident)
    response = client.get(reverse("actors:data_export"))
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["account"]["email"] == resident.email
    assert [item["title"] for item in data["ideas"]] == ["Oma idea"]
    assert [item["body"] for item in data["messages"]] == ["Kysymys agentille"]
    text = response.content.decode()
    assert "Toisen idea" not in text and "Sisäinen muistiinpano" not in text
    assert other_resident.email not in text
