"""Logs and error reporting, configured from the environment.

LOG_FORMAT=json writes one JSON object per line (timestamp, level, logger, message, and the path
and status of a request); anything else keeps the human-readable lines. SENTRY_DSN turns on error
reporting to Sentry, without personal data.
"""

import logging
import os
from collections.abc import Mapping

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

# Attributes Django puts on request log records that are objects, not loggable values: the path
# and status are taken from them instead (RequestFields).
NOT_LOGGED = ["request", "status_code", "server_time"]


class RequestFields(logging.Filter):
    """Give django.request and django.server records a plain `path` and `status`."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path is None and isinstance(getattr(record, "args", None), tuple) and record.args:
            # django.server logs the request line ("GET /path HTTP/1.1") as the first argument.
            first = record.args[0]
            if isinstance(first, str) and first.count(" ") >= 1:
                path = first.split(" ")[1]
        if path is not None:
            record.path = path
        status = getattr(record, "status_code", None)
        if status is not None:
            record.status = status
        return True


class MinipilotJsonFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        # Every line has these, plus a "timestamp" in ISO 8601 (UTC).
        kwargs.setdefault("fmt", ["levelname", "name", "message"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *NOT_LOGGED])
        super().__init__(*args, **kwargs)


def logging_config(log_format: str = "text", level: str = "INFO") -> dict:
    """The LOGGING setting: the console handler, human-readable or JSON lines."""
    json_lines = log_format.strip().lower() == "json"
    formatter = (
        {"()": "minipilot.observability.MinipilotJsonFormatter"}
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_fields": {"()": "minipilot.observability.RequestFields"}},
        "formatters": {"console": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "console",
                "filters": ["request_fields"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }


def init_sentry(environ: Mapping[str, str] | None = None) -> bool:
    """Start error reporting when SENTRY_DSN is set; returns whether it was started.

    send_default_pii stays off: no user emails, IP addresses, cookies or request bodies are sent.
    """
    environ = os.environ if environ is None else environ
    dsn = environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        environment=environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(environ.get("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )
    return True
