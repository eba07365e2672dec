"""A cache that keeps answering when Redis does not.

The rate limits of the login (allauth) and of the idea form count in Django's cache, and so does
the worker's heartbeat. With Redis as the cache, a Redis that is down or unreachable would turn
every login into a server error. `FallbackCache` sends each call to the primary cache (Redis) and,
when that fails with a connection error or a timeout, to a fallback (this process's memory), with
one logged warning per outage. For `PAUSE_SECONDS` after a failure it does not try the primary
again, so a request pays the connection timeout at most once per pause, not once per call.

While it falls back, the counts are per process: a login limit of five tries counts five per web
process instead of five in all. That is the price of answering at all; docs/operations.md says so.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 30


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, OSError)
    try:
        import redis.exceptions
    except ImportError:  # no Redis client installed: only the built-in errors
        return errors
    return (*errors, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class _Outages:
    """Until when each primary cache is left alone, shared by the threads of a process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}

    def paused(self, alias: str) -> bool:
        return time.monotonic() < self._until.get(alias, 0.0)

    def started(self, alias: str, error: BaseException, pause: float) -> None:
        with self._lock:
            first = alias not in self._until
            self._until[alias] = time.monotonic() + pause
        if first:
            logger.warning(
                "The cache %r is unavailable (%s); this process uses its own memory meanwhile",
                alias,
                error,
            )

    def ended(self, alias: str) -> None:
        with self._lock:
            was_down = self._until.pop(alias, None) is not None
        if was_down:
            logger.warning("The cache %r answers again", alias)

    def clear(self) -> None:
        with self._lock:
            self._until.clear()


outages = _Outages()


class FallbackCache(BaseCache):
    """OPTIONS: `primary` and `fallback`, the aliases of two caches in CACHES; `pause_seconds`."""

    def __init__(self, location, params):
        options = dict(params.get("OPTIONS", {}))
        self._primary = options.pop("primary")
        self._fallback = options.pop("fallback")
        self._pause = float(options.pop("pause_seconds", PAUSE_SECONDS))
        super().__init__({**params, "OPTIONS": options})
        self._errors = _unavailable_errors()

    def _call(self, name: str, *args, **kwargs):
        if not outages.paused(self._primary):
            try:
                result = getattr(caches[self._primary], name)(*args, **kwargs)
            except self._errors as error:
                outages.started(self._primary, error, self._pause)
            else:
                outages.ended(self._primary)
                return result
        return getattr(caches[self._fallback], name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta=delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        return self._call("clear")

    def close(self, **kwargs):
        # Django closes every configured cache itself after each request.
        return None
