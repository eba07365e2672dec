"""The programme administrator adds and renames districts (Finnish and official Swedish names)
and gives and takes staff roles by email, limiting an agent to districts; every change is in
the audit log, and nobody else may do it."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from actors import roles, services
from actors.models import District, User
from audit.models import AuditEvent
from tests import factories


@pytest.fixture
def administrator(db):
    return factories.AdministratorFactory(email="admin@example.org")


def test_a_district_has_its_finnish_and_swedish_names(administrator):
    district = services.district_save(by=administrator, name_fi="Hämeenlinna", name_sv="Tavastehus")
    assert district.slug == "hameenlinna"
    with translation.override("sv"):
        assert str(District.objects.get(pk=district.pk)) == "Tavastehus"
    with translation.override("en"):
        assert District.objects.get(pk=district.pk).name == "Hämeenlinna"
    services.district_save(
        by=administrator, district=district, name_fi="Hämeenlinnan keskusta", name_sv=""
    )
    district.refresh_from_db()
    assert district.slug == "hameenlinna" and district.name_fi == "Hämeenlinnan keskusta"
    with translation.override("sv"):
        assert district.name == "Hämeenlinnan keskusta"  # no Swedish name: the Finnish one
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.DISTRICT_CHANGED)
    assert sorted(changes.values_list("details__change", flat=True)) == ["created", "renamed"]


def test_two_districts_cannot_share_a_name(administrator, district):
    with pytest.raises(ValidationError) as error:
        services.district_save(by=administrator, name_fi="iittala")
    assert "name_fi" in error.value.error_dict


def test_the_district_pages(client, administrator, district, agent):
    client.force_login(administrator)
    url = reverse("actors:manage_districts")
    assert client.get(url).status_code == 200
    response = client.post(url, {"name_fi": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(url, {"name_fi": "Tuulos", "name_sv": ""})
    assert response.status_code == 302
    assert District.objects.filter(name_fi="Tuulos").exists()
    edit = reverse("actors:manage_district", args=[district.pk])
    assert client.post(edit, {"name_fi": "Iittala", "name_sv": "Iittala"}).status_code == 302
    client.force_login(agent)
    assert client.get(url).status_code == 403


def test_an_administrator_invites_an_agent_limited_to_a_district(
    administrator, district, django_capture_on_commit_callbacks
):
    other = factories.DistrictFactory(name="Jukola", slug="jukola")
    with django_capture_on_commit_callbacks(execute=True):
        person = services.staff_invite(
            by=administrator, email="Uusi.Agentti@Example.org", role="agent", districts=[other]
        )
    assert person.email == "uusi.agentti@example.org"
    assert roles.is_agent(User.objects.get(pk=person.pk))
    assert roles.district_ids_in_scope(User.objects.get(pk=person.pk)) == [other.pk]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["uusi.agentti@example.org"]
    assert "resident agent" in mail.outbox[0].body and "/accounts/login/" in mail.outbox[0].body
    with pytest.raises(ValidationError):
        services.staff_invite(by=administrator, email=person.email, role="agent")
    services.staff_districts_set(by=administrator, user=person, districts=[])
    assert roles.district_ids_in_scope(User.objects.get(pk=person.pk)) is None
    services.staff_role_remove(by=administrator, user=person, role="agent")
    assert not roles.is_agent(User.objects.get(pk=person.pk))
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.STAFF_CHANGED).order_by("id")
    assert list(changes.values_list("details__change", flat=True)) == [
        "role_given",
        "districts_set",
        "role_removed",
    ]
    assert all(event.object_id == str(person.pk) for event in changes)


def test_only_an_administrator_gives_roles_and_never_takes_their_own(administrator, manager):
    with pytest.raises(PermissionDenied):
        services.staff_invite(by=manager, email="x@example.org", role="administrator")
    with pytest.raises(ValidationError):
        services.staff_role_remove(by=administrator, user=administrator, role="administrator")
    assert roles.can_manage_programme(User.objects.get(pk=administrator.pk))


def test_the_staff_pages(client, administrator, agent, district):
    client.force_login(administrator)
    url = reverse("actors:manage_staff")
    page = client.get(url).content.decode()
    assert agent.email in page and administrator.email in page
    response = client.post(url, {"email": "not an email", "role": "manager"})
    assert (
        response.status_code == 400 and "Enter a valid email address." in response.content.decode()
    )
    response = client.post(url, {"email": "uusi@example.org", "role": "manager"})
    assert response.status_code == 302
    assert roles.can_view_reports(User.objects.get(email="uusi@example.org"))
    member = reverse("actors:manage_staff_member", args=[agent.pk])
    assert client.get(member).status_code == 200
    assert client.post(member, {"districts": [district.pk]}).status_code == 302
    assert roles.district_ids_in_scope(User.objects.get(pk=agent.pk)) == [district.pk]
    response = client.post(member, {"remove": "agent"})
    assert response.status_code == 302
    assert not roles.is_agent(User.objects.get(pk=agent.pk))
    own = reverse("actors:manage_staff_member", args=[administrator.pk])
    response = client.post(own, {"remove": "administrator"})
    assert response.status_code == 400
    assert "your own administrator role" in response.content.decode()


def test_the_administrator_logs_in_to_manage(client, administrator):
    from actors.adapter import AccountAdapter

    class Request:
        user = administrator

    assert AccountAdapter().get_login_redirect_url(Request()) == reverse("grants:manage")


def test_the_staff_and_district_lists_are_drawn_once_and_follow_roles_people_and_districts(
    administrator, agent, district, django_assert_max_num_queries
):
    from django.test import Client

    from common import fragments, versions

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(administrator)
    staff, districts = reverse("actors:manage_staff"), reverse("actors:manage_districts")
    assert agent.email in first.get(staff).content.decode()
    assert district.name_fi in first.get(districts).content.decode()
    for url in (staff, districts):
        with django_assert_max_num_queries(2):  # the person and their permissions were kept
            assert first.get(url).status_code == 200
    # A role given, districts set, a name changed: each shows at the next request.
    person = services.staff_invite(by=administrator, email="uusi@example.org", role="manager")
    assert "uusi@example.org" in first.get(staff).content.decode()
    services.staff_districts_set(by=administrator, user=agent, districts=[district])
    agent.full_name = "Aino Agentti"
    agent.save()
    page = first.get(staff).content.decode()
    assert "Aino Agentti" in page and f"<td>{district.name}</td>" in page
    services.district_save(by=administrator, district=district, name_fi="Iittalan kylä")
    assert "Iittalan kylä" in first.get(districts).content.decode()
    assert "Iittalan kylä" in first.get(staff).content.decode()
    # A login writes the last login alone and draws nothing again.
    before = versions.current(versions.STAFF)
    person.save(update_fields=["last_login"])
    assert versions.current(versions.STAFF) == before
    # Another administrator gets the kept list with their own token, and it posts.
    second.force_login(factories.AdministratorFactory(email="toinen@example.org"))
    page = second.get(districts).content.decode()
    assert fragments.CSRF_MARK not in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = second.post(districts, {"name_fi": "Tuulos", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "Tuulos" in second.get(districts).content.decode()
