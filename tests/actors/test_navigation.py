"""The navigation's links are drawn once per role and language, and each reader gets their own
role's links."""

import pytest
from django.urls import reverse
from django.utils import translation

from actors.templatetags import navigation


def _nav(response) -> str:
    page = response.content.decode()
    return page[page.index('<nav class="navbar') : page.index("</nav>")]


@pytest.mark.django_db
def test_each_role_sees_its_own_links_drawn_once_per_role_and_language(
    client, resident, agent, monkeypatch
):
    navigation._drawn.clear()
    drawn = []
    real = navigation.render_to_string

    def counted(name, context):
        drawn.append(name)
        return real(name, context)

    monkeypatch.setattr(navigation, "render_to_string", counted)
    home = reverse("home")

    anonymous = _nav(client.get(home))
    assert "Log in" in anonymous and "My pilots" not in anonymous

    client.force_login(resident)
    for _ in range(3):
        mine = _nav(client.get(home))
    assert "My pilots" in mine and "Agent&#x27;s dashboard" not in mine
    assert "Agent's dashboard" not in mine and "Log in" not in mine

    client.force_login(agent)
    theirs = _nav(client.get(home))
    assert "Agent" in theirs and reverse("grants:agent") in theirs

    with translation.override("fi"):
        finnish_home = reverse("home")
    finnish = _nav(client.get(finnish_home))
    assert "Omat minipilotit" in finnish
    # Anonymous, resident, agent in English, agent in Finnish: two parts each.
    assert len(drawn) == 8
