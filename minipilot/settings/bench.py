"""Settings for `manage.py bench`: the production code path, measured in process.

Debug off, the real database of DATABASE_URL, mail kept in memory, the spam timing check off (the
benchmark posts the form at once), and one extra page: the floor, a bare view that renders the
base template, against which every page is compared.
"""

from .base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "devtools.bench_urls"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SPAM_MIN_SECONDS_TO_FILL = 0
SPAM_MAX_IDEAS_PER_HOUR_PER_ACCOUNT = 1_000_000
SPAM_MAX_IDEAS_PER_HOUR_PER_IP = 1_000_000
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
