"""Each page runs the same number of queries with few pilots and with many.

The data comes from seed_scale at two sizes; the report figures are the stored ones, as in
production (refreshed by Celery). The ceilings pin today's counts so that a change that adds
queries to a page is noticed.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools import bench
from devtools.management.commands.bench import FOUND_DEPENDENT_PAGES
from grants import services
from grants.models import Idea
from reports.services import figures, open_data

pytestmark = pytest.mark.django_db

# page -> the most queries it may run (a logged-in page's own, plus the person: the session,
# permissions and second factor come from the cache and the session)
CEILINGS = {
    "agent queue": 8,
    "agent queue, filtered": 9,
    "agent's idea page": 9,
    "agent's follow-up": 8,
    "agent's money": 5,
    "agent's idea mill": 12,
    "resident's /my/": 4,
    # How far ideas travelled: one aggregate; the funnel is stored; the rounds over time: one.
    "district report": 14,
    # The figures drawn once until the next refresh (reports/page_cache.py); the districts and
    # the rounds to choose from.
    "comparison": 3,
    "showcase": 0,  # the list rendered once for its filters and page (reports/page_cache.py)
    "open data JSON": 0,  # a prepared file
    "idea submission (POST)": 62,
    "round's public page": 2,
    "administrator's rounds": 4,
    "administrator's round": 4,
    "administrator's staff": 6,
    "administrator's districts": 2,
    "administrator's reasons": 2,
    "city's decision on a pilot": 4,
}


def _counts(size: int) -> dict[str, int]:
    call_command("seed_scale", pilots=size, districts=3, seed=5, flush=True)
    figures.refresh()
    services.term_stats_refresh()
    open_data.prepare()
    personas = bench.Personas()
    agent, manager = bench._client(personas.agent), bench._client(personas.manager)
    resident, anonymous = bench._client(personas.resident), bench._client(None)
    clients = {
        "agent": agent,
        "manager": manager,
        "resident": resident,
        "anonymous": anonymous,
        "administrator": bench._client(personas.administrator),
    }
    pages = {name: (clients[who], url) for name, who, url in bench.page_urls(personas)}
    counts = {}
    for name, (client, url) in pages.items():
        headers = {"HX-Request": "true"} if name in bench.LOADED_AFTER else None
        client.get(url, headers=headers)  # warm: the session, the language
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured)
    newest = Idea.objects.order_by("-pk").first().pk
    with CaptureQueriesContext(connection) as captured:
        response = resident.post(bench.idea_form_url(), bench.idea_form_data(personas.district))
    assert response.status_code == 302
    assert Idea.objects.filter(pk__gt=newest).count() == 1
    counts["idea submission (POST)"] = len(captured)
    return counts


def test_every_page_runs_the_same_queries_at_two_sizes(settings):
    settings.REPORT_FIGURES_MAX_AGE = 600
    settings.SPAM_MIN_SECONDS_TO_FILL = 0
    small = _counts(60)
    large = _counts(360)
    assert set(small) == set(CEILINGS)
    for page, ceiling in CEILINGS.items():
        # The idea mill reads the rows of what it found (none found, none read): its count
        # follows what is found, not the data's size, and stays under its ceiling.
        if page not in FOUND_DEPENDENT_PAGES:
            assert small[page] == large[page], (page, small[page], large[page])
        assert max(small[page], large[page]) <= ceiling, (page, small[page], large[page])
