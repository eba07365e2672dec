"""Handing work to Celery without letting a broker that is down hold the request.

Every task handed over from a request has its row saved first (a notification, an export, an
idea waiting for its vectors), and a sweep picks up what was never handed over. So a broker that
is down costs nothing but a delay: `hand_over` tries once, with the short connect timeout of the
settings, logs a warning and returns False. After a failure it does not try again for
`PAUSE_SECONDS` in this process, so an approval with seven recipients waits for the broker once,
not seven times. The sweeps run in the worker, where the broker answers, and pass `sweeping=True`.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 15

_lock = threading.Lock()
_paused_until = 0.0


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import OperationalError

    return (OperationalError, ConnectionError, TimeoutError, OSError)


def hand_over(task, *args, sweeping: bool = False) -> bool:
    """Enqueue `task(*args)`. True when the broker took it; False when it is down (logged)."""
    global _paused_until
    if not sweeping and time.monotonic() < _paused_until:
        logger.info("%s%r waits for the broker (paused after a failure)", task.name, args)
        return False
    try:
        task.apply_async(args, retry=False)
    except _unavailable_errors() as error:
        with _lock:
            _paused_until = time.monotonic() + PAUSE_SECONDS
        logger.warning("%s%r waits for the broker: %s", task.name, args, error)
        return False
    if _paused_until:
        with _lock:
            _paused_until = 0.0
    return True


def resume() -> None:
    """Try the broker again at the next hand-over (after a failure, it waits PAUSE_SECONDS)."""
    global _paused_until
    with _lock:
        _paused_until = 0.0
