"""Settings shared by every environment, read from the environment.

No DATABASE_URL: SQLite in the checkout. No REDIS_URL: Celery uses kombu's filesystem
transport, so the worker and beat are real processes without a broker server.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from minipilot.observability import init_sentry, logging_config
from minipilot.settings.with_redis import (
    BROKER_CONNECTION_TIMEOUT,
    redis_broker_options,
    redis_caches,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# The development key only ever serves a checkout; production.py refuses to start without its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin, which it extends with a field per language.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Staff single sign-on with the city's identity provider (actors/sso.py), when configured.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "actors",
    "grants",
    "reports",
    "audit",
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # request.htmx: whether htmx asked (a part of a page rather than the page).
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "actors.mfa.RequireMFAMiddleware",
    "minipilot.middleware.PrivatePagesMiddleware",
]

# The city's identity provider for staff single sign-on (the rest of its settings further down).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")

# Content Security Policy: scripts, styles and fonts only from our own static files; no inline
# script, no inline style, no eval. htmx is told not to inject its indicator <style> (base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Forms post to the app only; the login through the city's provider is sent on there.
        "form-action": [
            SELF,
            *([urlsplit(OIDC_ISSUER)._replace(path="").geturl()] if OIDC_ISSUER else []),
        ],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "minipilot.urls"
WSGI_APPLICATION = "minipilot.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actors.context_processors.roles_context",
            ],
        },
    },
]
# Form widgets are drawn by Jinja2 (Django's own widget templates, escaped the same way): a page
# with a few selects renders in a third of the time (docs/benchmarks.md); the admin's own widget
# templates, which exist for Django's engine only, by that engine.
FORM_RENDERER = "common.form_renderer.Jinja2WithDjangoFallback"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction pooling (docs/operations.md): no server-side cursors, which
# live across transactions, and Django's own persistent connections switched off.
if os.environ.get("DATABASE_PGBOUNCER") == "1" and DATABASES["default"]["ENGINE"].endswith(
    "postgresql"
):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "actors.User"
# Sessions read from the cache (Redis in production), written through to the database, so a
# logged-in page does not query for its session and nothing is lost when the cache is emptied.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AUTHENTICATION_BACKENDS = [
    # ModelBackend with each person's permissions kept in the cache (actors/permission_cache.py).
    "actors.permission_cache.CachedPermissionsBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "grants:my"
LOGOUT_REDIRECT_URL = "home"

# allauth: email is the login; a one-time code works instead of a password.
# An empty choice of a list filter reads "All", not "---------" (dashes to a screen reader).
FILTERS_EMPTY_CHOICE_LABEL = _("All")

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
# Throttled logins (counted in the cache below; the scheme in docs/security.md): five wrong
# passwords for one address from one IP lock that address for that IP for five minutes, twenty
# failures from one IP lock that IP; nobody elsewhere can lock the owner out, and a login code
# still works. Wrong authenticator codes count as failed logins as well. Login codes: three a
# minute for an address from one IP, twenty a minute from one IP.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/5m/ip,5/5m/key",
    "request_login_code": "20/m/ip",
    "request_login_code_per_address_and_ip": "3/m/key",
    "reauthenticate": "10/m/user",
}
# A login code can be tried this many times, then a new one must be asked for.
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# allauth's emails in the language of the person's profile, named Minipilot (actors/adapter.py).
ACCOUNT_ADAPTER = "actors.adapter.AccountAdapter"
ACCOUNT_FORMS = {"request_login_code": "actors.forms.RequestLoginCodeForm"}
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For entries are trusted, so the
# rate limits count the visitor's address and not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))

# Multi-factor authentication: an authenticator app (TOTP) with recovery codes. Resident agents,
# city managers and staff must set it up (actors.mfa.RequireMFAMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Minipilot")

# Staff single sign-on by OpenID Connect (actors/sso.py, docs/operations.md): the city's identity
# provider (Microsoft Entra ID or any other) by its issuer, the app's client id and secret there,
# and which of the provider's groups give which role. Without OIDC_ISSUER, no such login is
# offered; the password and authenticator login stays in any case, and residents log in with a
# code sent to them.
OIDC_PROVIDER_ID = "city"
# The provider's groups and the roles they give, re-read at each login: "group=role" or
# "group=agent:district-slug" (an agent of that district only), separated by commas. With Entra
# ID a group is named by its object id unless the app is set to send names.
OIDC_GROUP_ROLES_DEFAULT = (
    "minipilot-agents=agent,minipilot-managers=manager,"
    "minipilot-administrators=administrator,minipilot-finance=finance"
)
OIDC_GROUP_ROLES = os.environ.get("OIDC_GROUP_ROLES", OIDC_GROUP_ROLES_DEFAULT)
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": os.environ.get("OIDC_NAME", "") or _("the city's account"),
                "client_id": os.environ.get("OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {
                    "server_url": OIDC_ISSUER,
                    "token_auth_method": "client_secret_basic",
                    "scope": ["openid", "email", "profile", *env_list("OIDC_EXTRA_SCOPES")],
                },
            }
        ]
        if OIDC_ISSUER
        else [],
    }
}
# An account of the same address is never taken over by a login through the provider (a
# resident's, a superuser's, an address given to someone new): the person links the two from
# their account's page after logging in the usual way (allauth's connections page).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
# The provider's answer must say that it asked for a second step ("amr" of the ID token, as
# Microsoft Entra ID and others send it) for the app's own authenticator not to be asked for.
OIDC_SECOND_FACTOR_AMR = env_list("OIDC_SECOND_FACTOR_AMR", "mfa,otp,hwk,swk,sms,fpt,face")
SOCIALACCOUNT_ADAPTER = "actors.sso.SocialAccountAdapter"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Names and texts an administrator writes (rounds, districts, reasons) have a column per
# language (django-modeltranslation); a missing Swedish or English text falls back to the
# Finnish one, which is filled in from the text given where no Finnish one is.
MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi",)
MODELTRANSLATION_AUTO_POPULATE = "default"
USE_I18N = True
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True
# Numbers, dates and times as they are written in Finland, in each language: 1 000,00 € and
# 1.12.2026 klo 23.32 in Finnish and Swedish, 1,000.00 € and 1 Dec 2026, 23:32 in English.
FORMAT_MODULE_PATH = ["minipilot.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads, exports and the prepared open data on S3-compatible object storage (MinIO, a cloud's
# object store) when S3_BUCKET is set, so that several web hosts share them; otherwise on the
# filesystem. Files are read through the app's own views, never from a public bucket URL.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Uploads and exports; keep them on a volume that is backed up (docs/operations.md).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Minipilot <minipilot@example.org>")

# Celery: Redis when REDIS_URL is set, otherwise a broker that needs no server.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_DATA_DIR = Path(os.environ.get("CELERY_DATA_DIR", BASE_DIR / ".celery"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = redis_broker_options()
    CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECTION_TIMEOUT
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "broker"),
        "data_folder_out": str(CELERY_DATA_DIR / "broker"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
    # The embedded broker keeps its messages in folders, which must exist before it starts.
    for _folder in ("broker", "control"):
        (CELERY_DATA_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
# Heavy work on a queue of its own, so that reminders and emails (the default queue) are never
# late behind a report refresh or an export: `make run` has one worker consume both, compose
# and docs/operations.md give each queue its own worker.
CELERY_HEAVY_QUEUE = "heavy"
CELERY_TASK_ROUTES = {
    "reports.tasks.*": {"queue": CELERY_HEAVY_QUEUE},
    "grants.tasks.refresh_term_stats": {"queue": CELERY_HEAVY_QUEUE},
    "grants.tasks.refresh_theme_proposals": {"queue": CELERY_HEAVY_QUEUE},
    "grants.tasks.sweep_embeddings": {"queue": CELERY_HEAVY_QUEUE},
}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")
# Sweeps over due rows: cheap by index, so they may run every minute.
CELERY_BEAT_SCHEDULE = {
    "sweep-pilots": {"task": "grants.tasks.sweep_pilots", "schedule": 60},
    "sweep-pending-notifications": {
        "task": "grants.tasks.sweep_pending_notifications",
        "schedule": 60,
    },
    "agent-digests": {
        "task": "grants.tasks.send_agent_digests",
        "schedule": crontab(hour=7, minute=30),
    },
}
# The learning reports' figures: what changed every few minutes, everything every night.
CELERY_BEAT_SCHEDULE["refresh-report-figures"] = {
    "task": "reports.tasks.refresh_report_figures",
    "schedule": 300,
}
CELERY_BEAT_SCHEDULE["refresh-report-figures-full"] = {
    "task": "reports.tasks.refresh_report_figures",
    "schedule": crontab(hour=2, minute=45),
    "kwargs": {"full": True},
}
# The open-data files, made again when the data changed.
CELERY_BEAT_SCHEDULE["prepare-open-data"] = {
    "task": "reports.tasks.prepare_open_data",
    "schedule": crontab(minute="*/30"),
}
CELERY_BEAT_SCHEDULE["refresh-term-stats"] = {
    "task": "grants.tasks.refresh_term_stats",
    "schedule": crontab(minute="*/15"),
}
CELERY_BEAT_SCHEDULE["refresh-term-stats-full"] = {
    "task": "grants.tasks.refresh_term_stats",
    "schedule": crontab(hour=2, minute=55),
    "kwargs": {"full": True},
}
# Stored report figures older than this (seconds) are computed again when a page needs them.
REPORT_FIGURES_MAX_AGE = int(os.environ.get("REPORT_FIGURES_MAX_AGE", "900"))
# Ideas and lessons whose meaning (vectors) a lost task or a new model left behind.
CELERY_BEAT_SCHEDULE["sweep-embeddings"] = {
    "task": "grants.tasks.sweep_embeddings",
    "schedule": crontab(minute="*/10"),
}
CELERY_BEAT_SCHEDULE["refresh-theme-proposals"] = {
    "task": "grants.tasks.refresh_theme_proposals",
    "schedule": crontab(minute="5-59/15"),
}
CELERY_BEAT_SCHEDULE["draft-retention"] = {
    "task": "grants.tasks.sweep_draft_retention",
    "schedule": crontab(hour=3, minute=15),
}
NOTIFICATION_RETRY_BASE_SECONDS = 30
# Drafts untouched this long get a notice; this long after the notice they are deleted.
DRAFT_RETENTION_DAYS = int(os.environ.get("DRAFT_RETENTION_DAYS", "365"))
DRAFT_RETENTION_NOTICE_DAYS = int(os.environ.get("DRAFT_RETENTION_NOTICE_DAYS", "30"))
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360

# The cache counts logins and submissions for the rate limits: Redis when there is one, so every
# web process sees the same counts; otherwise files in the checkout, shared by the local
# processes. A Redis that is down or slow does not fail the request: the cache falls back to the
# process's own memory for a while (common/cache.py; docs/operations.md).
if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / ".cache"),
        }
    }

# Spam without forcing a login: submissions faster than this, or more than these per hour,
# wait for the resident agent in the moderation list.
SPAM_MIN_SECONDS_TO_FILL = int(os.environ.get("SPAM_MIN_SECONDS_TO_FILL", "8"))
SPAM_MAX_IDEAS_PER_HOUR_PER_IP = int(os.environ.get("SPAM_MAX_IDEAS_PER_HOUR_PER_IP", "10"))
SPAM_MAX_IDEAS_PER_HOUR_PER_ACCOUNT = int(
    os.environ.get("SPAM_MAX_IDEAS_PER_HOUR_PER_ACCOUNT", "5")
)

# LOG_FORMAT=json: one JSON object per line; otherwise human-readable lines.
LOGGING = logging_config(os.environ.get("LOG_FORMAT", "text"), os.environ.get("LOG_LEVEL", "INFO"))

# Error reporting, only when SENTRY_DSN is set (SENTRY_ENVIRONMENT, SENTRY_TRACES_SAMPLE_RATE).
init_sentry()

# The city's own account, from which the grants are paid (the SEPA credit transfer files).
CITY_PAYER_NAME = os.environ.get("CITY_PAYER_NAME", "Hämeenlinnan kaupunki")
CITY_PAYER_IBAN = os.environ.get("CITY_PAYER_IBAN", "FI2112345600000785")
CITY_PAYER_BIC = os.environ.get("CITY_PAYER_BIC", "NDEAFIHH")
# The city's identifiers in open data: its org-id (the Finnish business ID as FI-PRO-…) and the
# 360Giving prefix registered for its grant identifiers.
CITY_ORG_ID = os.environ.get("CITY_ORG_ID", "FI-PRO-0139797-4")
OPEN_DATA_GRANT_PREFIX = os.environ.get("OPEN_DATA_GRANT_PREFIX", "360G-minipilot-hml")
