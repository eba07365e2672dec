"""Structured logs (LOG_FORMAT=json) and error reporting to Sentry without personal data."""

import gzip
import json
import logging
import logging.config
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sentry_sdk
from django.conf import settings
from django.test import Client

from minipilot.observability import init_sentry, logging_config


@pytest.fixture
def log_config():
    """Apply a logging configuration for one test, then put the project's back."""

    def apply(log_format: str):
        logging.config.dictConfig(logging_config(log_format, "INFO"))

    yield apply
    logging.config.dictConfig(settings.LOGGING)


def lines_of(captured: str) -> list[str]:
    return [line for line in captured.splitlines() if line.strip()]


def test_json_logs_are_one_object_per_line(log_config, capsys):
    log_config("json")
    logging.getLogger("grants.services").warning("Budget of %s is low", "Iittala")
    [line] = lines_of(capsys.readouterr().err)
    record = json.loads(line)
    assert record["message"] == "Budget of Iittala is low"
    assert record["level"] == "WARNING"
    assert record["logger"] == "grants.services"
    assert record["timestamp"].startswith("20")


def test_a_request_log_says_the_path_and_status(log_config, capsys, db):
    log_config("json")
    response = Client().get("/en/no-such-page/")
    assert response.status_code == 404
    records = [json.loads(line) for line in lines_of(capsys.readouterr().err)]
    [not_found] = [r for r in records if r["logger"] == "django.request"]
    assert not_found["path"] == "/en/no-such-page/"
    assert not_found["status"] == 404
    assert not_found["level"] == "WARNING"
    assert "request" not in not_found  # the request object itself is not dumped


def test_the_default_stays_human_readable(log_config, capsys):
    log_config("text")
    logging.getLogger("grants.services").warning("Budget is low")
    [line] = lines_of(capsys.readouterr().err)
    assert line.endswith("WARNING grants.services Budget is low")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_settings_read_log_format_from_the_environment():
    assert settings.LOGGING["formatters"]["console"].get("()") is None  # tests: text
    config = logging_config("JSON")
    assert config["formatters"]["console"]["()"].endswith("MinipilotJsonFormatter")


class _Collector(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the http.server name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.bodies.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    """A stand-in for Sentry on 127.0.0.1 that keeps every envelope it receives."""
    _Collector.bodies = []
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, _Collector.bodies
    server.shutdown()
    server.server_close()
    # No client afterwards: the other tests report nothing anywhere.
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.init(dsn=None)


def crash_as(client, user) -> None:
    client.force_login(user)
    response = client.get("/crash/")
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)


def test_without_a_dsn_nothing_is_started():
    assert init_sentry({}) is False
    assert init_sentry({"SENTRY_DSN": "  "}) is False


# sentry-sdk 2.75 deprecates send_default_pii for data_collection; see docs/decisions.md.
@pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated")
@pytest.mark.urls("tests.security.sentry_urls")
def test_an_error_reaches_sentry_without_the_persons_email(sentry_server, resident):
    server, bodies = sentry_server
    dsn = f"http://public@127.0.0.1:{server.server_port}/1"
    assert init_sentry(
        {"SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "staging", "SENTRY_TRACES_SAMPLE_RATE": "0"}
    )
    options = sentry_sdk.get_client().options
    assert options["send_default_pii"] is False
    assert options["environment"] == "staging"
    assert options["traces_sample_rate"] == 0.0

    crash_as(Client(raise_request_exception=False), resident)

    sent = b"".join(bodies)
    assert b"PilotCrashed" in sent and b"the budget sum went wrong" in sent
    assert b'"environment":"staging"' in sent
    assert resident.email.encode() not in sent
    assert b"sessionid" not in sent

    # The check above can fail: with personal data allowed, the SDK would send the email.
    bodies.clear()
    sentry_sdk.init(
        dsn=dsn, send_default_pii=True, integrations=sentry_sdk.get_client().options["integrations"]
    )
    crash_as(Client(raise_request_exception=False), resident)
    assert resident.email.encode() in b"".join(bodies)
