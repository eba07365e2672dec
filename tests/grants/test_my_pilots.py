"""A person's own list (/my/) comes a page at a time, however many ideas they have."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from grants.models import Idea
from grants.views.idea_page import MY_PAGE_SIZE
from tests import factories


def _many(resident, district, count: int) -> list[Idea]:
    ideas = [
        factories.idea_in_status("draft", created_by=resident, agent=None, district=district)
        for _ in range(count)
    ]
    # A distinct time of change for each, so the order is known: the last made is the latest.
    start = timezone.now() - timedelta(days=count)
    for n, idea in enumerate(ideas):
        Idea.objects.filter(pk=idea.pk).update(
            title=f"Idea {n:03d}", updated_at=start + timedelta(hours=n)
        )
    return ideas


def titles(response) -> list[str]:
    return [idea.title for idea in response.context["ideas"]]


def test_my_pilots_come_a_page_at_a_time_the_latest_first(
    client, resident, district, open_round, django_assert_max_num_queries
):
    _many(resident, district, 60)
    client.force_login(resident)
    with django_assert_max_num_queries(8):
        first = client.get(reverse("grants:my"))
    assert first.status_code == 200
    assert len(titles(first)) == MY_PAGE_SIZE == 25
    assert titles(first)[0] == "Idea 059"
    assert 'rel="next"' in first.content.decode() and "1 / 3" in first.content.decode()

    last = client.get(reverse("grants:my"), {"page": 3})
    assert titles(last) == [f"Idea {n:03d}" for n in range(9, -1, -1)]
    assert 'rel="prev"' in last.content.decode()


def test_a_strange_page_number_shows_a_page_not_an_error(client, resident, district, open_round):
    _many(resident, district, 30)
    client.force_login(resident)
    for value in ("zzz", "-1", "999", "1\x00"):
        response = client.get(reverse("grants:my"), {"page": value})
        assert response.status_code == 200
        assert titles(response)


def test_a_short_list_has_no_page_links(client, resident, district, open_round):
    _many(resident, district, 3)
    client.force_login(resident)
    response = client.get(reverse("grants:my"))
    assert len(titles(response)) == 3
    assert "pagination" not in response.content.decode()


def test_the_list_is_drawn_once_and_follows_the_persons_ideas_and_organisations(
    client, resident, agent, district, open_round, django_assert_max_num_queries
):
    from grants import services

    idea = factories.idea_in_status(
        "submitted", created_by=resident, agent=agent, district=district, title="Lukukoira"
    )
    client.force_login(resident)
    url = reverse("grants:my")
    assert "Lukukoira" in client.get(url).content.decode()
    with django_assert_max_num_queries(1):  # the person; the rest was kept
        assert client.get(url).status_code == 200
    # A decision, a new draft, an idea of the person's association by someone else.
    services.idea_approve(idea=idea, by=agent)
    assert "Send the closing report" in client.get(url).content.decode()
    factories.idea_in_status("draft", created_by=resident, agent=None, district=district)
    assert "Finish and submit the idea" in client.get(url).content.decode()
    colleague = factories.UserFactory(email="colleague@example.org")
    association = factories.ActorFactory(members=[colleague])
    factories.idea_in_status(
        "submitted",
        created_by=colleague,
        agent=agent,
        district=district,
        title="Kirjakahvila",
        applicant=association,
    )
    assert "Kirjakahvila" not in client.get(url).content.decode()
    association.memberships.create(user=resident)
    assert "Kirjakahvila" in client.get(url).content.decode()
    # The nightly sweep starts the approved pilot with a bulk update.
    from grants.models import Idea
    from grants.services import pilots

    Idea.objects.filter(pk=idea.pk).update(starts_on=timezone.localdate())
    pilots.advance_pilots_by_date(today=timezone.localdate())
    assert "Running" in client.get(url).content.decode()
    # A draft of the association's made the colleague's own: it leaves the resident's list.
    draft = factories.idea_in_status(
        "draft", created_by=colleague, agent=None, district=district, applicant=association
    )
    draft.title = "Lukupiiri"
    draft.save()
    assert "Lukupiiri" in client.get(url).content.decode()
    draft = Idea.objects.get(pk=draft.pk)
    draft.applicant = factories.ActorFactory(members=[colleague])
    draft.save()
    assert "Lukupiiri" not in client.get(url).content.decode()
    # A district renamed; and another person never gets this list.
    district.name_fi = district.name_en = "Iittalan kylä"
    district.save()
    assert "Iittalan kylä" in client.get(url).content.decode()
    client.force_login(colleague)
    page = client.get(url).content.decode()
    assert "Kirjakahvila" in page and "Lukukoira" not in page
