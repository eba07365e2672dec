"""Staff single sign-on: the table of the provider's groups and the roles they give, set again
at each login (a person removed from a group loses its role), and the login page's button."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from actors import roles, sso
from audit.models import AuditEvent
from tests import factories

TABLE = (
    "minipilot-agents=agent,minipilot-managers=manager,minipilot-admins=administrator,"
    "agents-iittala=agent:iittala,agents-jukola=agent:jukola"
)


def test_the_table_reads_roles_and_agents_districts():
    table = sso.rules(TABLE)
    assert sso.roles_of(["minipilot-agents"], table) == sso.Roles(frozenset({"agent"}), frozenset())
    assert sso.roles_of(["agents-iittala", "agents-jukola", "other"], table) == sso.Roles(
        frozenset({"agent"}), frozenset({"iittala", "jukola"})
    )
    # An agent of every district stays one, whatever district groups come along.
    assert sso.roles_of(["agents-iittala", "minipilot-agents"], table).districts == frozenset()
    assert sso.roles_of(["minipilot-managers", "minipilot-admins"], table).roles == {
        "manager",
        "administrator",
    }
    assert sso.roles_of([], table).roles == frozenset()
    assert sso.roles_of(None, table).roles == frozenset()


@pytest.mark.parametrize("bad", ["agents=boss", "=agent", "managers=manager:iittala"])
def test_a_table_it_cannot_read_stops_the_app_with_the_entry_named(bad):
    with pytest.raises(ImproperlyConfigured, match="OIDC_GROUP_ROLES"):
        sso.rules(bad)


def test_the_groups_claim_is_read_from_the_user_info_or_the_id_token(settings):
    settings.OIDC_GROUPS_CLAIM = "groups"
    assert sso.groups_of({"userinfo": {"groups": ["a"]}, "id_token": {"groups": ["b"]}}) == ["a"]
    assert sso.groups_of({"userinfo": {"sub": "x"}, "id_token": {"groups": ["b"]}}) == ["b"]
    assert sso.groups_of({"userinfo": {"groups": "single"}}) == ["single"]
    assert sso.groups_of({"userinfo": {"groups": []}}) == []
    # No claim at all (not sent, or too many groups): not the same as no groups.
    assert sso.groups_of({"userinfo": {"sub": "x"}}) is None


def test_without_a_groups_claim_the_roles_stay_and_an_unknown_district_gives_no_agent_role(
    db, settings
):
    settings.OIDC_GROUP_ROLES = TABLE
    person = factories.AgentFactory(email="staff@example.org")
    assert sso.roles_apply(user=person, groups=None) is None
    assert roles.is_agent(person)
    # "agents-iittala" names a district that does not exist here: no agent of every district.
    sso.roles_apply(user=person, groups=["agents-iittala"])
    assert not roles.is_agent(person) and not person.agent_districts.exists()


def test_the_apps_second_step_is_skipped_only_where_the_provider_asked_for_one(settings):
    assert sso.second_factor_asked({"id_token": {"amr": ["pwd", "mfa"]}})
    assert not sso.second_factor_asked({"id_token": {"amr": ["pwd"]}})
    assert not sso.second_factor_asked({"id_token": {}, "userinfo": {}})


def test_a_linked_person_logging_in_another_way_has_no_staff_roles(client, db, settings):
    from allauth.socialaccount.models import SocialAccount

    settings.OIDC_GROUP_ROLES = TABLE
    person = factories.AgentFactory(email="linked@example.org")
    SocialAccount.objects.create(user=person, provider="city", uid="linked")
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": "secret-pass-123"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not roles.is_agent(person)
    # Someone not linked to the provider keeps the roles given in the app.
    other = factories.AgentFactory(email="unlinked@example.org")
    client.logout()
    client.post(reverse("account_login"), {"login": other.email, "password": "secret-pass-123"})
    assert roles.is_agent(other)


def test_each_login_sets_the_roles_again_and_a_removed_group_takes_its_role(db, settings):
    settings.OIDC_GROUP_ROLES = TABLE
    iittala = factories.DistrictFactory(name="Iittala", slug="iittala")
    person = factories.UserFactory(email="staff@example.org")

    sso.roles_apply(user=person, groups=["agents-iittala", "minipilot-managers"])
    assert roles.is_agent(person) and roles.can_view_reports(person)
    assert list(person.agent_districts.all()) == [iittala]

    sso.roles_apply(user=person, groups=["minipilot-agents"])
    assert roles.is_agent(person) and not person.groups.filter(name=roles.MANAGER_GROUP).exists()
    assert not person.agent_districts.exists()  # every district

    sso.roles_apply(user=person, groups=[])
    assert not roles.is_agent(person) and not person.groups.exists()
    changes = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.STAFF_CHANGED).values_list(
            "details__change", "details__role"
        )
    )
    assert ("role_removed", "agent") in changes and ("role_removed", "manager") in changes
    assert ("role_given", "agent") in changes and ("role_given", "manager") in changes


def test_the_login_page_offers_the_citys_provider_only_when_one_is_set(client, db, settings):
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in page
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "city",
                    "name": "Hämeenlinnan kaupunki",
                    "client_id": "minipilot",
                    "secret": "s",
                    "settings": {"server_url": "http://127.0.0.1:1"},
                }
            ]
        }
    }
    page = client.get("/sv/accounts/login/").content.decode()
    # One return address whatever the page's language (the one registered with the provider).
    assert 'action="/accounts/oidc/city/login/?process=login"' in page
    assert "Hämeenlinnan kaupunki" in page
