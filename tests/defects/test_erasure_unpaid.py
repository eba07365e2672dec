"""Erasing an account whose grant is still to be paid is refused with the reason on the page,
so no grant is left that no one can pay; once paid, the account can be erased."""

from django.urls import reverse
from django.utils import timezone

from actors.models import User
from grants import services


def test_an_unpaid_grant_stops_the_erasure_and_the_page_says_why(client, resident, make_idea):
    make_idea("approved")
    client.force_login(resident)
    page = client.get(reverse("actors:data_delete")).content.decode()
    assert "still to be paid" in page
    assert 'name="confirm"' not in page
    response = client.post(reverse("actors:data_delete"), {"confirm": "on"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.is_active and "@invalid" not in resident.email
    followed = client.get(response.url).content.decode()
    assert "still to be paid" in followed


def test_once_paid_the_account_can_be_erased(client, resident, agent, make_idea):
    idea = make_idea("approved")
    services.grant_mark_paid(grant=idea.grant, by=agent, paid_on=timezone.localdate())
    client.force_login(resident)
    response = client.post(reverse("actors:data_delete"), {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.get(pk=resident.pk).is_active
