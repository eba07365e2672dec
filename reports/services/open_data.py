"""The open data prepared as files, so that a request never builds the pilots for them.

Celery (`reports.tasks.prepare_open_data`, every 30 minutes when the data changed, and nightly)
writes the CSV, the 360Giving package and every page of /open-data/pilots.json at the default
page size into the default storage (the filesystem, or object storage), each beside a gzipped
copy, under a name carrying its content's hash; a manifest says which files are current, with
their ETag and the time they were built. The views serve the files with ETag, Last-Modified and
`Cache-Control: public`, answer 304 to a conditional request, and fall back to building the
answer (as before) only where nothing is prepared yet or a page of another size is asked for.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import tempfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from common import broker
from common.spreadsheet import safe_cell
from grants.models import ClosingReport, Idea
from grants.workflow import GRANTED_STATUSES

from .. import dcat, giving360, selectors

FOLDER = "open-data"
MANIFEST = f"{FOLDER}/manifest.json"
MANIFEST_CACHE = "reports:open-data-manifest"
PREPARE_ASKED = "reports:open-data-prepare-asked"
PAGE = 1000
MAX_AGE_SECONDS = 300


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def fingerprint() -> str:
    """What changes when the open data would: the granted pilots and their closing reports."""
    ideas = Idea.objects.filter(status__in=GRANTED_STATUSES).aggregate(
        n=Count("id"), latest=Max("updated_at")
    )
    reports = ClosingReport.objects.aggregate(n=Count("id"), latest=Max("id"))
    return json.dumps([ideas["n"], str(ideas["latest"]), reports["n"], reports["latest"]])


def csv_lines(ideas) -> Iterator[str]:
    class _Echo:
        def write(self, value):
            return value

    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheets read the file as UTF-8
    yield writer.writerow([safe_cell(cell) for cell in selectors.OPEN_DATA_FIELDS])
    for idea in ideas.iterator(chunk_size=500):
        row = [
            "|".join(value) if isinstance(value, list) else value
            for value in selectors.open_data_row(idea).values()
        ]
        yield writer.writerow([safe_cell(cell) for cell in row])


def json_page(pilots: list[Idea], *, path: str, limit: int, more: bool) -> dict:
    """A page of /open-data/pilots.json (`path` is the page's own path)."""
    from urllib.parse import urlencode

    next_url = None
    if more:
        next_url = absolute(f"{path}?{urlencode({'after': pilots[-1].pk, 'limit': limit})}")
    return {
        "licence": "CC BY 4.0",
        "licence_url": giving360.LICENCE_URL,
        "attribution": dcat.attribution(),
        "schema": absolute(reverse("reports:open_data_schema")),
        "pilots": [selectors.open_data_row(idea) for idea in pilots],
        "next": next_url,
    }


def _write(name: str, chunks: Iterable[str], content_type: str) -> dict:
    """Write the text to storage (and its gzipped copy) under a name with its hash."""
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as plain, tempfile.TemporaryFile() as packed:
        with gzip.GzipFile(fileobj=packed, mode="wb", mtime=0) as zipped:
            for chunk in chunks:
                data = chunk.encode()
                digest.update(data)
                plain.write(data)
                zipped.write(data)
        etag = digest.hexdigest()[:32]
        stem, _dot, extension = name.rpartition(".")
        stored = f"{FOLDER}/{stem}-{etag}.{extension}"
        for handle, target in ((plain, stored), (packed, f"{stored}.gz")):
            if not default_storage.exists(target):
                handle.seek(0)
                default_storage.save(target, File(handle))
        size = plain.tell()
    return {"name": stored, "etag": etag, "content_type": content_type, "size": size}


def prepare() -> dict:
    """Write every open-data file and switch the manifest to them; returns the manifest."""
    built_at = timezone.now()
    ideas = selectors.open_data_pilots()
    source = absolute(reverse("reports:open_data_360giving"))
    files = {
        "csv": _write("pilots.csv", csv_lines(ideas), "text/csv; charset=utf-8"),
        "360giving": _write(
            "360giving.json",
            giving360.package_chunks(ideas.filter(grant__isnull=False), source=source),
            "application/json",
        ),
    }
    path = reverse("reports:open_data_json")
    pages, after = {}, 0
    while True:
        pilots = list(ideas.filter(pk__gt=after)[: PAGE + 1])
        more = len(pilots) > PAGE
        pilots = pilots[:PAGE]
        text = json.dumps(json_page(pilots, path=path, limit=PAGE, more=more))
        pages[str(after)] = _write(f"pilots-{after}.json", [text], "application/json")
        if not more:
            break
        after = pilots[-1].pk
    manifest = {
        "built_at": built_at.isoformat(),
        "fingerprint": fingerprint(),
        "files": files,
        "pages": pages,
    }
    previous = current()
    if default_storage.exists(MANIFEST):
        default_storage.delete(MANIFEST)
    default_storage.save(MANIFEST, io.BytesIO(json.dumps(manifest).encode()))
    cache.set(MANIFEST_CACHE, manifest, None)
    cache.delete(PREPARE_ASKED)
    _remove_unused(previous, manifest)
    return manifest


def _names(manifest: dict | None) -> set[str]:
    if not manifest:
        return set()
    entries = list(manifest["files"].values()) + list(manifest["pages"].values())
    return {entry["name"] for entry in entries} | {f"{entry['name']}.gz" for entry in entries}


def _remove_unused(previous: dict | None, manifest: dict) -> None:
    for name in _names(previous) - _names(manifest):
        if default_storage.exists(name):
            default_storage.delete(name)


def current() -> dict | None:
    """The manifest of the prepared files (None: nothing prepared yet)."""
    manifest = cache.get(MANIFEST_CACHE)
    if manifest is not None:
        return manifest
    if not default_storage.exists(MANIFEST):
        return None
    with default_storage.open(MANIFEST) as handle:
        manifest = json.load(handle)
    cache.set(MANIFEST_CACHE, manifest, None)
    return manifest


def prepare_if_changed() -> bool:
    """What the beat runs: prepare again when the data changed since the last files."""
    manifest = current()
    if manifest is not None and manifest.get("fingerprint") == fingerprint():
        return False
    prepare()
    return True


def ask_prepare() -> None:
    """Nothing is prepared yet: hand the preparation to the worker, once."""
    from .. import tasks

    if cache.add(PREPARE_ASKED, 1, 600):
        transaction.on_commit(lambda: broker.hand_over(tasks.prepare_open_data))


def open_file(entry: dict, *, gzipped: bool):
    return default_storage.open(f"{entry['name']}.gz" if gzipped else entry["name"], "rb")
