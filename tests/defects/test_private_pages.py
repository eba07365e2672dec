"""Logged-in pages and the personal data download are never kept by a cache (issue: a library's
shared computer showed the previous person's data on the back button)."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "url_name", ["grants:my", "grants:notifications", "actors:profile", "actors:data_export"]
)
def test_a_logged_in_page_is_private_and_not_stored(client, resident, url_name):
    client.force_login(resident)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "Cookie" in response["Vary"]


def test_the_agents_queue_is_private_too(client, agent):
    client.force_login(agent)
    response = client.get(reverse("grants:agent"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_visitors_page_may_be_cached(client, db):
    response = client.get(reverse("home"))
    assert "no-store" not in response.get("Cache-Control", "")
