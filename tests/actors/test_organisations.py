"""Organisations: registered with a valid business ID, members invite others by email."""

import re

from django.core import mail
from django.urls import reverse

from actors.models import Actor, Membership


def test_a_person_registers_an_association(client, resident, district):
    client.force_login(resident)
    response = client.post(
        reverse("actors:organisations"),
        {
            "kind": "association",
            "name": "Iittalan kyläyhdistys",
            "district": district.pk,
            "business_id": "0112038-9",
        },
    )
    actor = Actor.objects.get(name="Iittalan kyläyhdistys")
    assert response.status_code == 302
    assert list(actor.members.all()) == [resident]


def test_a_wrong_business_id_is_refused_with_a_clear_message(client, resident, district):
    client.force_login(resident)
    response = client.post(
        reverse("actors:organisations"),
        {"kind": "company", "name": "Oy Esimerkki Ab", "business_id": "0112038-8"},
    )
    assert response.status_code == 400
    assert "check digit does not match" in response.content.decode()
    assert 'value="Oy Esimerkki Ab"' in response.content.decode()


def test_a_member_invites_another_person_who_joins(
    client, resident, other_resident, django_capture_on_commit_callbacks
):
    from tests.factories import ActorFactory

    actor = ActorFactory(name="Jukolan koulu", kind="city_unit", members=[resident])
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("actors:organisation", args=[actor.pk]),
            {"invite": "1", "email": other_resident.email},
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == [other_resident.email]
    link = re.search(r"https?://\S+/invitations/(\S+)/", mail.outbox[-1].body)
    token = link.group(1)

    client.force_login(other_resident)
    assert client.get(reverse("actors:invitation", args=[token])).status_code == 200
    client.post(reverse("actors:invitation", args=[token]))
    assert Membership.objects.filter(actor=actor, user=other_resident).exists()
    again = client.post(reverse("actors:invitation", args=[token]))
    assert again.status_code == 404  # the link works once


def test_outsiders_cannot_see_or_change_an_organisation(client, resident, other_resident):
    from tests.factories import ActorFactory

    actor = ActorFactory(members=[resident])
    client.force_login(other_resident)
    url = reverse("actors:organisation", args=[actor.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"invite": "1", "email": "x@example.org"}).status_code == 403
    assert client.get(reverse("actors:organisation", args=[999999])).status_code == 404
