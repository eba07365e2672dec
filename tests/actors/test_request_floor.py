"""What every logged-in page pays before its own work: the person, read once; the session from
the cache, the permissions from the cache, the second factor known from the session. And the
kept permissions follow a change of role at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors import roles
from actors.permission_cache import key_of
from tests import factories

pytestmark = pytest.mark.django_db

# The person (AuthenticationMiddleware): the only query before a page's own.
FLOOR_QUERIES = 1


def _page(client):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("persona", ["resident", "agent", "manager", "finance"])
def test_a_logged_in_page_runs_one_query_before_its_own(client, persona):
    make = {
        "resident": factories.UserFactory,
        "agent": factories.AgentFactory,
        "manager": factories.ManagerFactory,
        "finance": factories.FinanceFactory,
    }[persona]
    user = make()
    client.force_login(user)
    _page(client)  # the first page reads the permissions and the second factor
    with CaptureQueriesContext(connection) as captured:
        _page(client)
    assert len(captured) <= FLOOR_QUERIES, [q["sql"] for q in captured]


def test_the_first_page_after_login_reads_the_permissions_once(client):
    agent = factories.AgentFactory()
    client.force_login(agent)
    with CaptureQueriesContext(connection) as captured:
        _page(client)
    permission_queries = [q for q in captured if "auth_permission" in q["sql"]]
    # Its own and its groups' permissions, once for every has_perm of the page.
    assert len(permission_queries) == 2


def test_a_role_taken_away_is_lost_at_the_next_page(client):
    agent = factories.AgentFactory()
    client.force_login(agent)
    assert client.get(reverse("grants:agent")).status_code == 200
    agent.groups.remove(Group.objects.get(name=roles.AGENT_GROUP))
    assert client.get(reverse("grants:agent")).status_code == 403


def test_a_role_given_is_had_at_the_next_page(client):
    person = factories.FinanceFactory()
    client.force_login(person)
    assert client.get(reverse("grants:agent")).status_code == 403
    Group.objects.get(name=roles.AGENT_GROUP).user_set.add(person)
    assert client.get(reverse("grants:agent")).status_code == 200


def test_a_permission_taken_from_the_group_is_lost_by_its_members(client):
    from django.contrib.auth.models import Permission

    agent = factories.AgentFactory()
    client.force_login(agent)
    assert client.get(reverse("grants:agent")).status_code == 200
    group = Group.objects.get(name=roles.AGENT_GROUP)
    app_label, codename = roles.VIEW_AGENT_DASHBOARD.split(".")
    group.permissions.remove(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    assert client.get(reverse("grants:agent")).status_code == 403


def test_a_deactivated_person_keeps_no_permissions(client):
    from django.core.cache import cache

    agent = factories.AgentFactory()
    assert agent.has_perm(roles.DECIDE_IDEAS)
    assert cache.get(key_of(agent.pk))
    agent.is_active = False
    agent.save()
    assert cache.get(key_of(agent.pk)) is None


def test_an_authenticator_removed_is_asked_for_again(client):
    from allauth.mfa.models import Authenticator

    from actors import mfa

    agent = factories.AgentFactory()
    client.force_login(agent)
    _page(client)
    assert client.session[mfa.SESSION_KEY] == agent.pk
    Authenticator.objects.filter(user=agent).delete()
    # Removed outside allauth's page (the admin): the session still says so, and a new
    # session asks the database.
    client.logout()
    client.force_login(agent)
    response = client.get(reverse("grants:agent"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_an_agents_districts_are_read_once_and_follow_every_change(client, make_idea):
    from actors.models import District

    iittala = District.objects.get(slug="iittala")
    jukola = factories.DistrictFactory(name="Jukola", slug="jukola")
    idea = make_idea("submitted", title="Lukukoira")
    agent = factories.AgentFactory(email="rajattu@example.org")
    agent.agent_districts.set([jukola])
    client.force_login(agent)
    page = reverse("grants:agent_idea", args=[idea.pk])
    assert client.get(page).status_code == 403
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 403
    assert not any("agent_districts" in query["sql"] for query in queries.captured_queries)
    # Given the district, from the person's side and from the district's.
    agent.agent_districts.add(iittala)
    assert client.get(page).status_code == 200
    agent.agent_districts.remove(iittala)
    assert client.get(page).status_code == 403
    iittala.agents.add(agent)
    assert client.get(page).status_code == 200
    jukola.agents.clear()
    iittala.agents.clear()  # no districts left: an agent of every district
    assert client.get(page).status_code == 200
    agent.agent_districts.set([jukola])
    assert client.get(page).status_code == 403
