"""Residents act for themselves or for an organisation they belong to, with partners."""

from django.urls import reverse

from grants.models import Idea
from tests import factories
from tests.grants.test_views import _form_data


def test_a_member_proposes_on_behalf_of_their_association(client, resident, open_round, district):
    association = factories.ActorFactory(name="Iittalan kyläyhdistys", members=[resident])
    parish = factories.ActorFactory(name="Iittalan seurakunta", kind="parish")
    client.force_login(resident)

    form_page = client.get(reverse("grants:idea_new")).content.decode()
    assert "Iittalan kyläyhdistys" in form_page

    client.post(
        reverse("grants:idea_new"),
        _form_data(district, applicant=str(association.pk), partners=[str(parish.pk)]),
    )
    idea = Idea.objects.get()
    assert idea.applicant == association
    assert list(idea.partners.all()) == [parish]


def test_nobody_applies_for_an_organisation_they_do_not_belong_to(
    client, resident, open_round, district
):
    strangers = factories.ActorFactory(name="Someone else's club")
    factories.ActorFactory(members=[resident])
    client.force_login(resident)
    response = client.post(
        reverse("grants:idea_new"), _form_data(district, applicant=str(strangers.pk))
    )
    assert response.status_code == 400
    assert "applicant" in response.context["form"].errors
    assert Idea.objects.count() == 0


def test_a_person_without_organisations_is_not_asked(client, resident, open_round):
    client.force_login(resident)
    assert 'name="applicant"' not in client.get(reverse("grants:idea_new")).content.decode()


def test_the_idea_can_be_edited_until_the_decision(client, resident, make_idea, district):
    submitted = make_idea("submitted")
    client.force_login(resident)
    response = client.post(
        reverse("grants:idea_edit", args=[submitted.pk]), _form_data(district, title="Renamed")
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.title, submitted.status) == ("Renamed", "submitted")

    approved = make_idea("approved")
    refused = client.post(
        reverse("grants:idea_edit", args=[approved.pk]), _form_data(district, title="Too late")
    )
    assert refused.status_code == 302
    approved.refresh_from_db()
    assert approved.title != "Too late"


def test_another_persons_idea_cannot_be_edited_by_changing_the_url(
    client, other_resident, make_idea, district
):
    idea = make_idea("draft")
    client.force_login(other_resident)
    assert client.get(reverse("grants:idea_edit", args=[idea.pk])).status_code == 403
    response = client.post(
        reverse("grants:idea_edit", args=[idea.pk]), _form_data(district, title="Hijacked")
    )
    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.title != "Hijacked"
    assert client.get(reverse("grants:idea", args=[idea.pk])).status_code == 403
