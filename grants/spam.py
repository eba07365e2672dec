"""Signs that a submission is spam: a filled honeypot, a form sent faster than a person types,
or too many ideas in an hour from one address or one account. A suspect is not refused: it
waits in the moderation list for the resident agent."""

import logging
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

SALT = "grants.idea-form-started"
HOUR = 60 * 60

# Why a submission is held, stored as codes (joined by "; ") and put in words when shown, in
# the language of the reader.
REASON_HONEYPOT = "honeypot"
REASON_TOO_FAST = "too_fast"
REASON_IP_LIMIT = "ip_limit"
REASON_ACCOUNT_LIMIT = "account_limit"
REASON_TEXTS = {
    REASON_HONEYPOT: _("a hidden field was filled in"),
    REASON_TOO_FAST: _("the form was sent too fast"),
    REASON_IP_LIMIT: _("too many ideas from one address"),
    REASON_ACCOUNT_LIMIT: _("too many ideas from one account"),
}
# Reasons stored in words before they were codes.
_LEGACY = {
    "a hidden field was filled in": REASON_HONEYPOT,
    "the form was sent too fast": REASON_TOO_FAST,
}


def reason_text(stored: str) -> str:
    """The stored reasons in the reader's language; anything unknown is shown as it is."""
    parts = [part.strip() for part in stored.split(";") if part.strip()]
    return "; ".join(str(REASON_TEXTS.get(_LEGACY.get(part, part), part)) for part in parts)


def form_started_token() -> str:
    """A signed timestamp that the form carries, to measure how long filling it took. Its random
    part also names this one filling of the form, so a second click cannot submit it twice."""
    return signing.TimestampSigner(salt=SALT).sign(secrets.token_hex(8))


def _filled_too_fast(token: str) -> bool:
    if settings.SPAM_MIN_SECONDS_TO_FILL <= 0:
        return False  # the timing check is switched off
    try:
        signing.TimestampSigner(salt=SALT).unsign(token, max_age=settings.SPAM_MIN_SECONDS_TO_FILL)
    except signing.SignatureExpired:
        return False  # older than the minimum: a person had time to type
    except signing.BadSignature:
        return True  # missing or forged
    return True


def _count(key: str) -> int:
    """This hour's count for the key, or 0 when the cache (Redis) is down: a submission is
    then saved without the rate limit rather than lost."""
    try:
        cache.add(key, 0, timeout=HOUR)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=HOUR)
            return 1
    except Exception:  # the cache's connection errors differ by backend
        logger.warning("Cannot count submissions for the rate limit: the cache is unavailable")
        return 0


def suspicion(*, honeypot: str, started_token: str, ip_address: str | None, user_id) -> str:
    """Why a submission looks like spam, or an empty string. Counts the submission."""
    reasons = []
    if honeypot:
        reasons.append(REASON_HONEYPOT)
    if _filled_too_fast(started_token):
        reasons.append(REASON_TOO_FAST)
    if ip_address and _count(f"spam:ip:{ip_address}") > settings.SPAM_MAX_IDEAS_PER_HOUR_PER_IP:
        reasons.append(REASON_IP_LIMIT)
    if user_id and _count(f"spam:user:{user_id}") > settings.SPAM_MAX_IDEAS_PER_HOUR_PER_ACCOUNT:
        reasons.append(REASON_ACCOUNT_LIMIT)
    return "; ".join(reasons)
