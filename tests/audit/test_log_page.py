"""The audit log page: city managers and staff read it, agents the events of their districts;
nobody else; no email on it; staff named with their role, residents never named."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from tests import factories

URL = "/agent/audit/"


def test_its_address():
    assert reverse("audit:log") == URL


@pytest.mark.parametrize(
    ("role", "expected"),
    [("resident", 403), ("other_resident", 403), ("agent", 200), ("manager", 200)],
)
def test_who_may_read_it(client, request, role, expected):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == expected


def test_staff_may_read_it(client, db):
    client.force_login(factories.StaffFactory())
    assert client.get(URL).status_code == 200


def test_anonymous_visitors_go_to_the_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_newest_first_filtered_paginated_and_without_emails(
    client, manager, agent, resident, make_idea, django_assert_max_num_queries
):
    idea = make_idea("submitted")
    audit.record(resident, "data_exported", resident)
    audit.record(agent, "idea_declined", idea, district="iittala")
    old = audit.record(agent, "grant_paid", None, amount="500.00")
    old.at = timezone.now() - timedelta(days=40)
    old.save()
    for _ in range(60):
        audit.record(manager, "export_made", None, kind="payments_csv")
    client.force_login(manager)

    with django_assert_max_num_queries(12):
        page = client.get(URL).content.decode()
    for person in (manager, agent, resident):
        assert person.email not in page
    assert f"{manager.full_name} (City managers)" in page
    exported = client.get(URL, {"action": "data_exported"}).content.decode()
    assert resident.full_name not in exported and "a resident" in exported
    assert "1 / 2" in page  # 63 events, 50 a page
    assert "2 / 2" in client.get(URL, {"page": 2}).content.decode()

    declined = client.get(URL, {"action": "idea_declined"}).content.decode()
    assert f"idea #{idea.pk}" in declined and "the grants as a spreadsheet" not in declined

    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = client.get(URL, {"action": "grant_paid", "since": since}).content.decode()
    assert "0 events" in recent
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    older = client.get(URL, {"until": until}).content.decode()
    assert "1 event" in older and "500.00 €" in older


def test_the_newest_event_comes_first(client, manager):
    first = audit.record(manager, "export_made", None, kind="first-one")
    first.at = timezone.now() - timedelta(hours=1)
    first.save()
    audit.record(manager, "export_made", None, kind="second-one")
    client.force_login(manager)
    page = client.get(URL).content.decode()
    assert page.index("second-one") < page.index("first-one")


def test_bad_filters_are_a_400_not_a_500(client, manager):
    client.force_login(manager)
    assert client.get(URL, {"action": "no-such", "since": "yesterday"}).status_code == 400


def test_the_admin_is_read_only(client, db):
    staff = factories.StaffFactory(is_superuser=True)
    event = audit.record(staff, "export_made", None, kind="payments_csv")
    client.force_login(staff)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()
