"""Finding ideas by meaning: the stored vectors of ideas (grants.models.IdeaEmbedding) held in
each process as one matrix, so a lookup is a matrix-vector product, with no vector extension in
the database (Debian's PostgreSQL has none here, and SQLite must work too).

How two texts are compared. The model's vectors all lean one way, and each language leans its
own way, so raw cosines of unrelated texts are already high (0.75-0.90) and a Swedish idea is
closer to any Swedish text than to the Finnish pilot it repeats. So each stored vector has its
language's centre taken away (the mean of that language's stored vectors and reference texts),
and the question's vector the centre of questions (the stored texts' centre, moved as far as
the model moves a text when it is asked as a question, measured on the reference texts). Their
cosine then ranks by topic, across languages. Whether anything is shown at all is decided by
how far the best pilot stands out from the fifth best (the reference texts count in that
background), not by a fixed cosine: a hint that is always there and often wrong is ignored.
The thresholds are calibrated on the evaluation's tuning split (devtools/evaluation).

The matrix holds each vector in 8-bit integers with its own scale (384 bytes an idea: 38 MB at
100,000 ideas), multiplied by the integer SIMD kernels of `simsimd`: a lookup reads half the
memory float16 did, and memory bandwidth is what a lookup costs. The rounding moves a cosine by
well under 0.001, against thresholds of 0.01 and more (`make eval` measures it). It is brought
up to date at each lookup by the newest vector's time (one row of an index, at most once in
`MEANING_REFRESH_SECONDS`, 1 by default): new or changed vectors are read incrementally.
Vectors that left (ideas deleted, a database rolled back) are found by counting, which reads
every row and so is done at most every `MEANING_RECOUNT_SECONDS` (30 by default; 0 counts at
each lookup), and at once after a lookup met one; a count that differs reads everything again.
A hit is checked against the database (its vector's time, `is_current`) where its idea is
loaded, so a stale row never stands for another idea.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import simsimd
from django.conf import settings

from common import embeddings

from .meaning_reference import REFERENCE_TEXTS
from .models import IdeaEmbedding

logger = logging.getLogger(__name__)

LANGUAGES = ("fi", "sv", "en")
# Show similar pilots when the best stands this far above the fifth best (centred cosines),
# or is this close in any case.
STANDS_OUT_BY = 0.08
CLOSE_IN_ANY_CASE = 0.41
BACKGROUND_RANK = 5
# The pilots after the best are shown when they stand this far above the fifth best.
FOLLOWERS_BY = 0.01


@dataclass(frozen=True)
class Hit:
    idea_id: int
    score: float
    stamp: float  # the time of the vector it was ranked by (see `is_current`)


class _Reference:
    """The reference texts' vectors, once per process and model version."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version = ""

    def load(self):
        version = embeddings.model_version()
        with self.lock:
            if self.version == version:
                return self
            passages, queries, languages = [], [], []
            for language, texts in REFERENCE_TEXTS.items():
                passages.append(embeddings.embed_passages(texts))
                queries.append(np.stack([embeddings.embed_query(text) for text in texts]))
                languages += [language] * len(texts)
            self.passages = np.concatenate(passages).astype(np.float32)
            self.languages = np.array(languages)
            # How far the model moves a text when it is asked as a question.
            self.query_shift = (np.concatenate(queries) - self.passages).mean(axis=0)
            self.version = version
        return self


_reference = _Reference()


class _Index:
    def __init__(self):
        self.lock = threading.Lock()
        self._clear()

    def _clear(self):
        self.version = ""
        self.ids = np.empty(0, dtype=np.int64)
        self.stamps = np.empty(0, dtype=np.float64)
        self.languages = np.empty(0, dtype=np.int8)
        self.rounds = np.empty(0, dtype=np.int64)  # each row's round (0: none)
        self.matrix = np.empty((0, embeddings.DIMENSIONS), dtype=np.int8)
        self.scales = np.empty(0, dtype=np.float32)
        self.sums = np.zeros((len(LANGUAGES), embeddings.DIMENSIONS), dtype=np.float64)
        self.counts = np.zeros(len(LANGUAGES), dtype=np.int64)
        self.size = 0
        self.position: dict[int, int] = {}
        self.seen = None  # the newest vector's time read
        self.counted_at = float("-inf")  # when the rows were last counted (time.monotonic)
        self.refreshed_at = float("-inf")  # when new vectors were last looked for
        self.stale = False  # a lookup met a row that has left the database
        self.centres = None

    def _grow(self, needed: int):
        if needed <= len(self.ids):
            return
        capacity = max(needed, 2 * len(self.ids), 1024)
        ids = np.zeros(capacity, dtype=np.int64)
        stamps = np.zeros(capacity, dtype=np.float64)
        languages = np.zeros(capacity, dtype=np.int8)
        rounds = np.zeros(capacity, dtype=np.int64)
        matrix = np.zeros((capacity, embeddings.DIMENSIONS), dtype=np.int8)
        scales = np.zeros(capacity, dtype=np.float32)
        ids[: self.size], stamps[: self.size] = self.ids[: self.size], self.stamps[: self.size]
        languages[: self.size] = self.languages[: self.size]
        rounds[: self.size] = self.rounds[: self.size]
        matrix[: self.size] = self.matrix[: self.size]
        scales[: self.size] = self.scales[: self.size]
        self.ids, self.stamps, self.languages, self.matrix = ids, stamps, languages, matrix
        self.scales, self.rounds = scales, rounds

    def _row(self, at: int) -> np.ndarray:
        """A stored row as the vector it stands for (float64)."""
        return self.matrix[at].astype(np.float64) * float(self.scales[at])

    def _read(self, rows) -> None:
        for idea_id, vector, language, stamp, round_id in rows.iterator(chunk_size=2000):
            code = LANGUAGES.index(language) if language in LANGUAGES else 0
            values = embeddings.from_bytes(vector)
            at = self.position.get(idea_id)
            if at is None:
                self._grow(self.size + 1)
                at = self.size
                self.size += 1
                self.position[idea_id] = at
                self.ids[at] = idea_id
            else:  # a changed vector: its old one leaves its language's sum
                old = int(self.languages[at])
                self.sums[old] -= self._row(at)
                self.counts[old] -= 1
            self.matrix[at], self.scales[at] = _quantised(values)
            self.languages[at] = code
            self.rounds[at] = round_id or 0
            self.sums[code] += self._row(at)
            self.counts[code] += 1
            self.stamps[at] = stamp.timestamp()
            if self.seen is None or stamp > self.seen:
                self.seen = stamp
        self.centres = None

    def refresh(self) -> None:
        every = getattr(settings, "MEANING_REFRESH_SECONDS", 1)
        if not self.stale and time.monotonic() - self.refreshed_at < every:
            return  # looked a moment ago (the idea mill's second lookup, a busy process)
        version = embeddings.model_version()
        current = IdeaEmbedding.objects.filter(model_version=version)
        newest = current.order_by("-computed_at").values_list("computed_at", flat=True).first()
        recount_every = getattr(settings, "MEANING_RECOUNT_SECONDS", 30)
        recount = self.stale or time.monotonic() - self.counted_at >= recount_every
        count = current.count() if recount else None
        with self.lock:
            if version != self.version:
                self._clear()
                self.version = version
            columns = ("idea_id", "vector", "language", "computed_at", "idea__round_id")
            if newest is not None and (self.seen is None or newest > self.seen):
                newer = current if self.seen is None else current.filter(computed_at__gte=self.seen)
                self._read(newer.values_list(*columns))
            if count is not None:
                if count != self.size:
                    logger.info("meaning: reading every vector again (%s held)", self.size)
                    self._clear()
                    self.version = version
                    self._read(current.values_list(*columns))
                self.counted_at = time.monotonic()
                self.stale = False
            self.refreshed_at = time.monotonic()

    def _centres(self, reference: _Reference):
        """Each language's centre (its stored vectors and its reference texts), the centre of
        questions, and for each row: its dot with its centre and its centred length."""
        if self.centres is not None:
            return self.centres
        sums = self.sums.copy()
        counts = self.counts.astype(np.float64).copy()
        for code, language in enumerate(LANGUAGES):
            own = reference.passages[reference.languages == language]
            sums[code] += own.sum(axis=0)
            counts[code] += len(own)
        centres = (sums / counts[:, None]).astype(np.float32)
        everything = (self.sums.sum(axis=0) + reference.passages.sum(axis=0)) / (
            self.counts.sum() + len(reference.passages)
        )
        question_centre = (everything + reference.query_shift).astype(np.float32)
        size = self.size
        rows_languages = self.languages[:size]
        dots = np.empty(size, dtype=np.float32)
        if size:
            with_each = self._float_dots(size, centres)  # (size, languages)
            dots[:] = with_each[np.arange(size), rows_languages]
        squares = np.einsum("ij,ij->i", centres, centres)
        lengths = np.sqrt(np.maximum(1e-6, 1 - 2 * dots + squares[rows_languages]))
        self.centres = (centres, question_centre, dots, lengths)
        return self.centres

    def _float_dots(self, size: int, vectors: np.ndarray, chunk: int = 8192) -> np.ndarray:
        """Every row's dot with each of a few float vectors (the language centres), exactly:
        a chunk of rows at a time in float32, once per change of the rows."""
        out = np.empty((size, len(vectors)), dtype=np.float32)
        for start in range(0, size, chunk):
            end = min(start + chunk, size)
            rows = self.matrix[start:end].astype(np.float32)
            rows *= self.scales[start:end, None]
            out[start:end] = rows @ vectors.T.astype(np.float32)
        return out

    def scores(
        self,
        query: np.ndarray,
        reference: _Reference,
        among: list[int] | None = None,
        round_id: int | None = None,
    ):
        """Centred cosines of the query with every row (or only the rows of the ideas `among`,
        or of one round's ideas) and with the reference texts."""
        with self.lock:
            centres, question_centre, _own_dots, lengths = self._centres(reference)
            centred = query.astype(np.float32) - question_centre
            centred /= max(1e-6, float(np.linalg.norm(centred)))
            if round_id is not None:
                rows = np.flatnonzero(self.rounds[: self.size] == round_id)
            elif among is None:
                rows = slice(0, self.size)
            else:
                rows = np.array(
                    [self.position[i] for i in among if i in self.position], dtype=np.int64
                )
            matrix, languages = self.matrix[rows], self.languages[rows]
            raw = _dots(matrix, self.scales[rows], centred) if len(matrix) else np.empty(0)
            by_language = centres @ centred
            scores = (raw - by_language[languages]) / lengths[rows]
            codes = np.array([LANGUAGES.index(language) for language in reference.languages])
            background = reference.passages - centres[codes]
            background /= np.linalg.norm(background, axis=1, keepdims=True)
            return (
                scores.astype(np.float32),
                self.ids[rows].copy(),
                self.stamps[rows].copy(),
                background @ centred,
            )


_index = _Index()


def _quantised(vector: np.ndarray) -> tuple[np.ndarray, float]:
    """A vector as 8-bit integers and the scale that gives it back."""
    scale = float(np.abs(vector).max()) / 127 or 1.0
    return np.round(vector / scale).astype(np.int8), scale


def _dots(matrix: np.ndarray, scales: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """The dot products of every row of the 8-bit matrix (with its rows' scales) with one float
    vector, itself rounded to 8 bits: float32, one a row."""
    rounded, scale = _quantised(vector)
    dots = np.asarray(simsimd.cdist(matrix, rounded[None, :], metric="dot"))[:, 0]
    return (dots * scale * scales).astype(np.float32)


def available() -> bool:
    return embeddings.available()


@lru_cache(maxsize=256)
def _query_vector(text: str, version: str) -> np.ndarray:
    vector = embeddings.embed_query(text)
    vector.setflags(write=False)
    return vector


def query_vector(text: str) -> np.ndarray:
    """The question's vector, kept for the same text: the idea mill asks twice for one idea,
    and the form's panel asks again as a person pauses in their typing."""
    return _query_vector(text, embeddings.model_version())


@dataclass(frozen=True)
class Ranking:
    """Ideas by meaning, best first, and the background a real match must stand out from."""

    hits: list[Hit]
    background: np.ndarray

    def bar(self, scores: list[float]) -> float:
        """The score a candidate needs to be shown, given all candidates' scores (best first):
        far enough above the fifth best candidate (the reference texts fill in for a city with
        fewer pilots than that), or close in any case."""
        pool = np.array(scores, dtype=np.float32)
        if len(pool) < BACKGROUND_RANK:
            pool = np.concatenate([pool, self.background])
        pool = np.sort(pool)[::-1]
        fifth = float(pool[min(BACKGROUND_RANK - 1, len(pool) - 1)])
        return min(CLOSE_IN_ANY_CASE, fifth + STANDS_OUT_BY)

    def shown(self, scores: list[float]) -> int:
        """How many of the candidates (scores best first) to show: none unless the best clears
        the bar; then those that stand out from the background at least by FOLLOWERS_BY."""
        if not scores or scores[0] < self.bar(scores):
            return 0
        pool = np.array(scores, dtype=np.float32)
        if len(pool) < BACKGROUND_RANK:
            pool = np.concatenate([pool, self.background])
        fifth = float(np.sort(pool)[::-1][min(BACKGROUND_RANK - 1, len(pool) - 1)])
        return sum(1 for score in scores if score >= fifth + FOLLOWERS_BY)


def stored_question(idea_id: int) -> np.ndarray | None:
    """An idea's text as a question, stored by the task that embedded it (so the model need not
    run): None if it has no current one."""
    row = (
        IdeaEmbedding.objects.filter(
            idea_id=idea_id, model_version=embeddings.model_version(), question__isnull=False
        )
        .values_list("question", flat=True)
        .first()
    )
    return None if row is None else embeddings.from_bytes(row)


def rank(
    query: np.ndarray,
    *,
    count: int = 200,
    among: list[int] | None = None,
    round_id: int | None = None,
) -> Ranking:
    """Ideas (all, only those `among`, or only those of a round: the index holds each idea's
    round, which never changes) by the meaning of their title, need and plan, closest first, to
    be checked with `is_current` where they are loaded. `query` is a question's vector
    (`query_vector`, `stored_question`)."""
    reference = _reference.load()
    _index.refresh()
    scores, ids, stamps, background = _index.scores(query, reference, among, round_id)
    if not query.any() or not len(scores):
        return Ranking([], background)
    count = min(count, len(scores))
    best = np.argpartition(-scores, count - 1)[:count]
    best = best[np.argsort(-scores[best], kind="stable")]
    hits = [Hit(int(ids[i]), float(scores[i]), float(stamps[i])) for i in best]
    return Ranking(hits, background)


def look_for_new_vectors() -> None:
    """The next lookup reads the vectors stored since the last one, however soon it comes."""
    _index.refreshed_at = float("-inf")


def is_current(hit: Hit, computed_at) -> bool:
    """Whether a hit was ranked by the vector the database holds for its idea (`computed_at`,
    None if it has none); when not, the rows are counted again at the next lookup."""
    if computed_at is not None and abs(computed_at.timestamp() - hit.stamp) < 1e-3:
        return True
    _index.stale = True
    return False
