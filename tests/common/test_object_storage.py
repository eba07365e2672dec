"""Uploads, exports and the prepared open data on S3-compatible object storage, as several web
hosts share them: against moto's S3 server (started by the test, on loopback; no S3-compatible
server installs from the registries here, docs/decisions.md). The filesystem storage of
`make run` is tested by every other file test."""

import csv
import io
import json
import socket

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import Attachment
from reports.models import Export
from reports.services import open_data

BUCKET = "minipilot-test"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    credentials = {"aws_access_key_id": "minipilot", "aws_secret_access_key": "minipilot-secret"}
    client = boto3.client("s3", endpoint_url=s3_server, region_name="eu-north-1", **credentials)
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "access_key": credentials["aws_access_key_id"],
                "secret_key": credentials["aws_secret_access_key"],
                "region_name": "eu-north-1",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db
def test_an_attachment_is_kept_in_the_bucket_and_downloaded_from_it(
    bucket, client, resident, make_idea
):
    idea = make_idea("submitted")
    client.force_login(resident)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    assert (
        client.post(reverse("grants:attachment_add", args=[idea.pk]), {"file": upload}).status_code
        == 302
    )
    attachment = Attachment.objects.get(idea=idea)
    assert attachment.file.name in _keys(bucket)
    stored = bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    assert stored == PDF
    download = client.get(reverse("grants:attachment", args=[idea.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.django_db
def test_an_export_is_written_to_the_bucket_and_downloaded_from_it(
    bucket, client, manager, make_idea, district, django_capture_on_commit_callbacks
):
    make_idea("approved", title="Torstaitreffit")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:district_export", args=[district.slug]))
    export = Export.objects.get()
    assert export.state == "ready"
    assert export.file.name in _keys(bucket)
    download = client.get(reverse("reports:export", args=[export.pk]) + "?download=1")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Torstaitreffit"]


@pytest.mark.django_db
def test_the_open_data_is_prepared_into_the_bucket_and_served_from_it(bucket, client, make_idea):
    make_idea("approved")
    manifest = open_data.prepare()
    keys = _keys(bucket)
    assert open_data.MANIFEST in keys
    assert manifest["files"]["csv"]["name"] in keys
    assert f"{manifest['files']['csv']['name']}.gz" in keys
    page = client.get(reverse("reports:open_data_json"))
    assert page["ETag"]
    assert len(json.loads(b"".join(page.streaming_content))["pilots"]) == 1
