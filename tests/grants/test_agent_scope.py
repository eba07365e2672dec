"""An agent limited to some districts works in those only: no idea entered for someone in
another district, no lesson of another district's pilot tagged (a manager tags any)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from grants import services
from grants.models import Idea
from tests import factories


@pytest.fixture
def other_district(open_round):
    jukola = factories.DistrictFactory(name="Jukola", slug="jukola")
    open_round.districts.add(jukola)
    return jukola


@pytest.fixture
def limited_agent(db, district):
    agent = factories.AgentFactory(email="iittala-agent@example.org")
    agent.agent_districts.set([district])
    return agent


def test_a_limited_agent_enters_ideas_of_their_districts_only(
    client, limited_agent, district, other_district
):
    fields = factories.idea_fields()
    with pytest.raises(ValidationError) as error:
        services.idea_create_assisted(
            agent=limited_agent, person_name="Eeva", district=other_district, **fields
        )
    assert "district" in error.value.error_dict
    assert not Idea.objects.exists()
    client.force_login(limited_agent)
    page = client.get(reverse("grants:agent_idea_new")).content.decode()
    assert ">Iittala<" in page and ">Jukola<" not in page
    from tests.security import form_data

    data = form_data.idea_data(other_district, person_name="Eeva", person_phone="")
    response = client.post(reverse("grants:agent_idea_new"), data)
    assert response.status_code == 400 and not Idea.objects.exists()
    services.idea_create_assisted(
        agent=limited_agent, person_name="Eeva", district=district, **fields
    )
    assert Idea.objects.get().district == district


def test_a_limited_agent_tags_lessons_of_their_districts_only(
    make_idea, limited_agent, manager, other_district, agent
):
    theirs = make_idea("closed", title="Iittalan kahvila").closing_report.lessons.first()
    elsewhere = make_idea("closed", title="Jukolan kirppis", district=other_district)
    lesson = elsewhere.closing_report.lessons.first()
    with pytest.raises(PermissionDenied):
        services.lesson_tag(lesson=lesson, by=limited_agent, new_theme="Yhdessä")
    assert not lesson.themes.exists()
    services.lesson_tag(lesson=theirs, by=limited_agent, new_theme="Yhdessä")
    services.lesson_tag(lesson=lesson, by=manager, new_theme="Yhdessä")
    assert lesson.themes.count() == 1 and theirs.themes.count() == 1
