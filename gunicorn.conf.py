"""gunicorn's settings for every way Minipilot is served (the Dockerfile, compose, a host):
`gunicorn -c gunicorn.conf.py minipilot.wsgi:application`.

Workers from the machine's CPUs (2 per CPU plus one, gunicorn's advice), or WEB_CONCURRENCY;
no `preload_app`: the embedding model must be loaded after the fork (docs/operations.md)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A slow report or export must not be killed before the database gives up on it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Behind a load balancer that keeps connections open between requests.
keepalive = 5
# Access logs where the operator asks for them ("-": standard output).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
