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
