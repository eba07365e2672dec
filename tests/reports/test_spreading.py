"""Spreading what worked: from a published pilot's page, "start a similar pilot in my district"
opens the idea form filled in from it; the new idea keeps the link to its origin, the pilot's
page counts its repeats, and the district reports count how far ideas travelled."""

from django.urls import reverse

from grants.models import Idea
from reports import selectors
from tests import factories
from tests.security import form_data


def test_a_resident_starts_a_similar_pilot_in_their_district(
    client, make_idea, district, open_round, other_resident, settings
):
    settings.SPAM_MIN_SECONDS_TO_FILL = 0
    jukola = factories.DistrictFactory(name="Jukola", slug="jukola")
    open_round.districts.add(jukola)
    pilot = make_idea("closed", title="Lukukoira kirjastossa", need="Lapset eivät lue.")
    page = client.get(reverse("reports:pilot", args=[pilot.pk])).content.decode()
    start = f"{reverse('grants:idea_new')}?from={pilot.pk}"
    assert start in page and "Start a similar pilot in my district" in page

    client.force_login(other_resident)
    form = client.get(start).content.decode()
    assert 'value="Lukukoira kirjastossa"' in form and "Lapset eivät lue." in form
    assert f'name="origin" value="{pilot.pk}"' in form
    assert "You start from" in form

    data = form_data.idea_data(jukola, title="Lukukoira Jukolassa", origin=str(pilot.pk))
    response = client.post(reverse("grants:idea_new"), data)
    assert response.status_code == 302
    repeat = Idea.objects.get(title="Lukukoira Jukolassa")
    assert repeat.origin == pilot and repeat.district == jukola

    page = client.get(reverse("reports:pilot", args=[pilot.pk])).content.decode()
    assert "Started again 1 time elsewhere" in page
    assert selectors.travelled(district=district) == {"from_elsewhere": 0, "repeated_elsewhere": 1}
    assert selectors.travelled(district=jukola) == {"from_elsewhere": 1, "repeated_elsewhere": 0}


def test_only_a_published_pilot_can_be_started_from(client, make_idea, resident, district):
    hidden = make_idea("submitted", title="Not a pilot yet")
    client.force_login(resident)
    for value in (str(hidden.pk), "abc", "9" * 30, ""):
        response = client.get(f"{reverse('grants:idea_new')}?from={value}")
        assert response.status_code == 200
        assert "You start from" not in response.content.decode()
    # A forged origin is not kept.
    data = form_data.idea_data(district, title="Forged", origin=str(hidden.pk), save_draft="1")
    assert client.post(reverse("grants:idea_new"), data).status_code == 302
    assert Idea.objects.get(title="Forged").origin is None
