"""Test settings: fast hashing, mail kept in memory, Celery tasks run inline.

Tests that need a real worker switch eager mode off for their duration.
"""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the finders; no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The login rate limits count in this cache as in production; tests/conftest.py empties it
# before each test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Report figures computed live on every page, so a test sees what it has just changed; the
# tests of stored figures switch this on.
REPORT_FIGURES_MAX_AGE = 0
# Similar pilots count the stored vectors at every lookup, so that a test sees exactly the
# vectors of its own database (production counts every 30 seconds: grants/meaning.py).
MEANING_RECOUNT_SECONDS = 0
MEANING_REFRESH_SECONDS = 0
