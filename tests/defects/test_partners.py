"""Partner organisations chosen in the idea form are on the sent idea for its makers and its
agent, are not suggested again by the idea mill, and the free-text partners are stored once
through restore, preview, back and submit."""

import re

from django.urls import reverse

from actors.models import Actor
from grants.models import Idea
from tests import factories
from tests.grants.test_views import _form_data


def _parish(district):
    return factories.ActorFactory(
        kind=Actor.Kind.PARISH, name="Iittalan seurakunta", district=district
    )


def test_partners_survive_restore_preview_back_and_submit(client, resident, open_round, district):
    parish = _parish(district)
    client.force_login(resident)
    data = _form_data(district, partners=[str(parish.pk)], partners_text="Kyläkoulu")
    client.post(reverse("grants:autosave"), data)
    restored = client.get(reverse("grants:idea_new")).content.decode()
    assert "Kyläkoulu" in restored
    preview = client.post(reverse("grants:idea_new"), {**data, "preview": ""})
    assert preview.status_code == 200 and "Iittalan seurakunta" in preview.content.decode()
    back = client.post(reverse("grants:idea_new"), {**data, "edit": ""})
    assert back.status_code == 200
    sent = client.post(reverse("grants:idea_new"), {**data, "submit": ""})
    assert sent.status_code == 302
    idea = Idea.objects.get()
    assert idea.partners_text == "Kyläkoulu"
    assert list(idea.partners.all()) == [parish]


def test_the_makers_and_the_agent_see_the_partner_organisations(
    client, resident, agent, make_idea, district
):
    parish = _parish(district)
    idea = make_idea("submitted", partners_text="Kyläkoulu")
    idea.partners.add(parish)
    client.force_login(resident)
    own = client.get(reverse("grants:idea", args=[idea.pk])).content.decode()
    assert "Iittalan seurakunta" in own and "Kyläkoulu" in own
    client.force_login(agent)
    page = client.get(reverse("grants:agent_idea", args=[idea.pk])).content.decode()
    assert "Iittalan seurakunta" in page and "Kyläkoulu" in page


def test_the_idea_mill_does_not_suggest_a_partner_already_on_the_idea(
    client, agent, make_idea, district
):
    parish = _parish(district)
    earlier = make_idea("closed", title="Elämänkaarikahvila kylätalolla")
    earlier.partners.add(parish)
    idea = make_idea("submitted", title="Elämänkaarikahvila koululla")
    client.force_login(agent)
    mill = reverse("grants:agent_idea_mill", args=[idea.pk])
    assert "Iittalan seurakunta" in client.get(mill).content.decode()
    idea.partners.add(parish)
    page = client.get(mill).content.decode()
    assert not re.search(r"Suggested partners.*Iittalan seurakunta", page, re.S)
