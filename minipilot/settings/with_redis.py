"""The cache and broker settings of a site with Redis, as functions: the settings use them, and
the tests that take Redis away build the same on a Redis of their own."""

# Handing a task over never waits for a Redis that is down: one try with a short connect
# timeout; the row that the sweep sends later is already saved (common/broker.py).
BROKER_CONNECTION_TIMEOUT = 0.1


def redis_broker_options() -> dict:
    return {"visibility_timeout": 3600, "max_retries": 0, "socket_connect_timeout": 0.1}


def redis_caches(url: str) -> dict:
    """Redis as the cache, falling back to the process's own memory while Redis does not
    answer (common/cache.py; docs/operations.md)."""
    return {
        "default": {
            "BACKEND": "common.cache.FallbackCache",
            "OPTIONS": {"primary": "redis", "fallback": "local", "pause_seconds": 30},
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            # A Redis that stops answering costs a request a fraction of a second.
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.5},
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
