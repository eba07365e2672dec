"""The open data served from prepared files: the same content as built live, with ETag,
Last-Modified, Cache-Control: public and gzip, 304 to a conditional request, and no pilot read
while serving them."""

import gzip
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.services import open_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilots(make_idea):
    return [make_idea("approved", title=f"Pilotti {n}") for n in range(3)]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


NAMES = ["reports:open_data_json", "reports:open_data_csv", "reports:open_data_360giving"]


@pytest.mark.parametrize("name", NAMES)
def test_the_prepared_file_says_what_the_live_answer_says(client, pilots, name):
    live = _body(client.get(reverse(name)))
    open_data.prepare()
    prepared = client.get(reverse(name))
    assert prepared.status_code == 200
    assert prepared["ETag"] and prepared["Last-Modified"]
    assert "public" in prepared["Cache-Control"]
    body = _body(prepared)
    if name.endswith("csv"):
        assert body == live
    else:
        # The 360Giving package says when it was issued; everything else is the same.
        assert json.loads(body) == json.loads(live)


@pytest.mark.parametrize("name", NAMES)
def test_a_conditional_request_gets_304_and_no_pilot_is_read(client, pilots, name):
    open_data.prepare()
    first = client.get(reverse(name))
    with CaptureQueriesContext(connection) as captured:
        again = client.get(reverse(name), headers={"If-None-Match": first["ETag"]})
        since = client.get(reverse(name), headers={"If-Modified-Since": first["Last-Modified"]})
        whole = client.get(reverse(name))
    assert again.status_code == 304
    assert since.status_code == 304
    assert whole.status_code == 200
    assert len(captured) == 0


def test_gzip_for_readers_that_accept_it(client, pilots):
    open_data.prepare()
    response = client.get(reverse("reports:open_data_json"), headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = json.loads(gzip.decompress(_body(response)))
    assert len(page["pilots"]) == 3


def test_every_page_is_prepared_and_linked(client, pilots, monkeypatch):
    monkeypatch.setattr(open_data, "PAGE", 2)
    from reports import views

    monkeypatch.setattr(views, "OPEN_DATA_PAGE", 2)
    open_data.prepare()
    first = json.loads(_body(client.get(reverse("reports:open_data_json"))))
    assert len(first["pilots"]) == 2
    with CaptureQueriesContext(connection) as captured:
        second = client.get(first["next"].replace(open_data.absolute(""), ""))
    assert len(captured) == 0
    assert second.status_code == 200
    rest = json.loads(_body(second))
    assert len(rest["pilots"]) == 1
    assert rest["next"] is None


def test_a_change_prepares_new_files_and_removes_the_old(client, pilots, make_idea):
    from django.core.files.storage import default_storage

    first = open_data.prepare()
    lines = _body(client.get(reverse("reports:open_data_csv"))).decode().splitlines()
    assert open_data.prepare_if_changed() is False
    make_idea("approved", title="Uusi pilotti")
    assert open_data.prepare_if_changed() is True
    second = open_data.current()
    assert second["files"]["csv"]["etag"] != first["files"]["csv"]["etag"]
    assert not default_storage.exists(first["files"]["csv"]["name"])
    assert default_storage.exists(second["files"]["csv"]["name"])
    now = _body(client.get(reverse("reports:open_data_csv"))).decode().splitlines()
    assert len(now) == len(lines) + 1


def test_nothing_prepared_asks_the_worker_once(client, pilots, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as asked:
        for _ in range(3):
            assert client.get(reverse("reports:open_data_csv")).status_code == 200
    assert len(asked) == 1
    assert open_data.current() is not None  # the task ran (at once in the tests)
