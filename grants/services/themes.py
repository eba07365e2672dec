"""Themes of the lessons: proposals by meaning, and the agents' and managers' work on themes.

Proposals (made by Celery, and when an agent asks): each lesson's vector, with its language's
centre taken away (so lessons compare by topic across languages), is placed at the theme whose
evidence is closest, `place`: the theme's tagged lessons, its name and description (embedded as
a question), and the untagged lessons that the previous round placed there (a few rounds of
expectation-maximisation over every lesson at hand, so a theme with few tagged lessons borrows
from the untagged ones that resemble them). A theme close enough is proposed. Lessons close to
no theme are grouped by the noun phrase of grants/theme_vocabulary.py closest to each in meaning
(lessons compared with each other directly group poorly with this model), and a group of two or
more is proposed as a new theme under that name, in Finnish, Swedish and English. Every change
to a theme writes an audit row."""

from __future__ import annotations

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors import roles
from actors.models import User
from audit.models import AuditEvent
from audit.services import record as audit_record
from common import embeddings

from ..models import Lesson, LessonEmbedding, Theme, ThemeProposal
from ..similarity import language_of
from ..theme_vocabulary import THEME_NAMES, description_of

# Calibrated on the evaluation's tuning lessons (devtools/evaluation/themes.json): a lesson is
# close enough to a theme (closeness ≥ THEME_MIN_SCORE = 1) when its cosine with the theme's tagged
# lessons' centre reaches CENTRE_CLOSE, or with its name and description DESCRIPTION_CLOSE; each
# keeps nine in ten of the right placements (leaving one lesson out; by descriptions alone).
CENTRE_CLOSE = 0.1
DESCRIPTION_CLOSE = 0.045
THEME_MIN_SCORE = 1.0
VOCABULARY_MIN_SCORE = 0.1
PROPOSAL_LIMIT = 2000
EXEMPLARS_PER_THEME = 200
# How much the name and description count beside the lessons (scores in standard deviations),
# how much the untagged lessons placed in a theme count beside its tagged ones, how sharply
# they are placed between rounds, and how many rounds.
ANCHOR_WEIGHT = 0.5
UNTAGGED_WEIGHT = 1.0
TEMPERATURE = 0.4
ROUNDS = 10
# The lessons' space is partly whitened before they are placed (each direction of the lessons'
# spread scaled by its variance, plus SHRINKAGE times the mean variance, to the power
# -WHITENING): the few directions in which all lessons differ most (style, length) count less
# beside the many in which topics differ. Chosen by cross-validation on the tuning lessons.
WHITENING = 0.15
SHRINKAGE = 0.3


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(1e-6, np.linalg.norm(rows, axis=-1, keepdims=True))


def _centred(vectors: np.ndarray, languages: list[str]) -> np.ndarray:
    """Each language's centre taken away, so lessons compare by topic across languages; the
    reference texts of grants/meaning_reference.py count in each centre, which keeps it sound
    where there are few lessons."""
    from ..meaning import _reference

    reference = _reference.load()
    languages = np.array(languages)
    out = np.empty_like(vectors)
    for language in set(languages.tolist()):
        rows = languages == language
        own = reference.passages[reference.languages == language]
        centre = (vectors[rows].sum(axis=0) + own.sum(axis=0)) / (rows.sum() + len(own))
        out[rows] = vectors[rows] - centre
    return _unit(out)


def anchor_text(name: str, description: str = "") -> str:
    """What a theme is embedded as, beside its lessons: its name and what it covers."""
    return f"{name}: {description}" if description else name


def anchors_of(texts: list[str], raw: np.ndarray) -> np.ndarray:
    """The themes' texts as questions, in the lessons' centred space: the centre of the lessons
    `raw` (and the reference texts) and the model's shift of a question taken away."""
    from ..meaning import _reference

    reference = _reference.load()
    total = len(raw) + len(reference.passages)
    centre = (raw.sum(axis=0) + reference.passages.sum(axis=0)) / total
    return _unit(embeddings.embed_queries(texts) - (centre + reference.query_shift))


def _whitening(space: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The centre of `space` (rows) and the matrix that partly whitens it (`WHITENING`)."""
    centre = space.mean(axis=0)
    rows = space - centre
    variances, directions = np.linalg.eigh(rows.T @ rows / len(rows))
    variances = np.maximum(variances, 0.0)
    scale = (variances + SHRINKAGE * variances.mean() + 1e-9) ** -WHITENING
    return centre, directions * scale


def _standardised(scores: np.ndarray) -> np.ndarray:
    """Each theme's scores in standard deviations from their mean over the lessons, so that
    themes of different spreads compare; as they are where there are too few lessons."""
    if len(scores) < 3:
        return scores
    return (scores - scores.mean(axis=0)) / (scores.std(axis=0) + 1e-6)


def place(
    lessons: np.ndarray,
    languages: list[str],
    exemplars: dict[int, np.ndarray],
    anchors: dict[int, np.ndarray] | None = None,
) -> list[tuple[int | None, float]]:
    """For each lesson vector (rows of the centred space), the closest theme and how close it
    is (1 and more: close enough to propose), or None where there is no theme. `exemplars` maps
    a theme id to its tagged lessons' rows in the same space, `anchors` to its name and
    description's row (`anchors_of`); a theme may have either or both."""
    anchors = anchors or {}
    ids = sorted(set(exemplars) | set(anchors))
    if not ids or not len(lessons):
        return [(None, 0.0)] * len(lessons)
    dimensions = lessons.shape[1]
    tagged = [exemplars.get(theme_id, np.empty((0, dimensions))) for theme_id in ids]
    labels = np.concatenate([np.full(len(rows), k) for k, rows in enumerate(tagged)]).astype(int)
    tagged = np.concatenate(tagged) if len(labels) else np.empty((0, dimensions))
    space = np.concatenate([lessons, tagged])
    known = np.zeros((len(tagged), len(ids)))
    known[np.arange(len(tagged)), labels] = 1
    if anchors:
        anchor_rows = np.stack([anchors.get(theme_id, np.zeros(dimensions)) for theme_id in ids])
    # Placed in the partly whitened space; how close each lesson is (below) in the given one,
    # against the bars calibrated there.
    white, white_anchors = space, anchor_rows if anchors else None
    if len(space) >= 3:
        centre, whitening = _whitening(space)
        white = _unit((space - centre) @ whitening)
        if anchors:
            white_anchors = _unit((anchor_rows - centre) @ whitening)
    prior = np.zeros((len(space), len(ids)))
    if anchors:
        prior = _standardised(white @ white_anchors.T) * (np.abs(anchor_rows).sum(axis=1) > 0)
    white_lessons, white_tagged = white[: len(lessons)], white[len(lessons) :]
    placed = np.zeros((len(lessons), len(ids)))
    for _round in range(ROUNDS + 1):
        sums = known.T @ white_tagged + UNTAGGED_WEIGHT * (placed.T @ white_lessons)
        scores = _standardised(white @ _unit(sums).T) + ANCHOR_WEIGHT * prior
        sharp = scores[: len(lessons)] / TEMPERATURE
        sharp = np.exp(sharp - sharp.max(axis=1, keepdims=True))
        placed = sharp / sharp.sum(axis=1, keepdims=True)
    best = scores[: len(lessons)].argmax(axis=1)
    # How close each lesson is to its theme: by its cosine with the theme's tagged lessons'
    # centre, or with its name and description where that is closer, each against its bar (not
    # with the centre the untagged lessons moved: every lesson would seem close to where it was
    # put).
    rows = np.arange(len(lessons))
    tagged_centres = _unit(known.T @ tagged)
    cosines = np.maximum(
        np.einsum("ij,ij->i", lessons, tagged_centres[best]) / CENTRE_CLOSE,
        (lessons @ anchor_rows.T)[rows, best] / DESCRIPTION_CLOSE if anchors else -1.0,
    )
    return [(ids[k], float(cosines[row])) for row, k in enumerate(best)]


def _vectors(rows) -> tuple[list[int], np.ndarray, list[str]]:
    ids, vectors, languages = [], [], []
    for lesson_id, vector, text in rows:
        ids.append(lesson_id)
        vectors.append(embeddings.from_bytes(vector))
        languages.append(language_of(text))
    if not vectors:
        return [], np.empty((0, embeddings.DIMENSIONS), dtype=np.float32), []
    return ids, np.stack(vectors), languages


@transaction.atomic
def theme_proposals_refresh(*, limit: int = PROPOSAL_LIMIT) -> int:
    """Propose a theme for the newest untagged lessons that have vectors; returns how many."""
    version = embeddings.model_version()
    current = LessonEmbedding.objects.filter(model_version=version)
    themes = list(Theme.objects.filter(retired_at__isnull=True))
    untagged = current.filter(lesson__themes__isnull=True).order_by("-lesson_id")[:limit]
    ids, vectors, languages = _vectors(untagged.values_list("lesson_id", "vector", "lesson__text"))
    tagged_rows = []
    for theme in themes:
        tagged_rows += [
            (theme.pk, *row)
            for row in current.filter(lesson__themes=theme)
            .order_by("-lesson_id")
            .values_list("lesson_id", "vector", "lesson__text")[:EXEMPLARS_PER_THEME]
        ]
    tagged_ids, tagged_vectors, tagged_languages = _vectors([row[1:] for row in tagged_rows])
    # Lessons and exemplars share one centred space (the centres of all of them together).
    everything = _centred(
        np.concatenate([vectors, tagged_vectors]) if len(tagged_vectors) else vectors,
        languages + tagged_languages,
    )
    lessons_space, exemplar_space = everything[: len(ids)], everything[len(ids) :]
    exemplars: dict[int, list] = {}
    for (theme_id, *_rest), row in zip(tagged_rows, exemplar_space, strict=True):
        exemplars.setdefault(theme_id, []).append(row)
    raw = np.concatenate([vectors, tagged_vectors]) if len(tagged_vectors) else vectors
    anchors = dict(
        zip(
            [theme.pk for theme in themes],
            anchors_of([anchor_text(t.name, t.description) for t in themes], raw)
            if themes and len(raw)
            else [],
            strict=False,
        )
    )
    placed = place(
        lessons_space, languages, {k: np.stack(v) for k, v in exemplars.items()}, anchors
    )
    ThemeProposal.objects.filter(lesson_id__in=ids).delete()
    ThemeProposal.objects.filter(lesson__themes__isnull=False).delete()
    proposals, unplaced = [], []
    for index, (lesson_id, (theme_id, score)) in enumerate(zip(ids, placed, strict=True)):
        if theme_id is not None and score >= THEME_MIN_SCORE:
            proposals.append(ThemeProposal(lesson_id=lesson_id, theme_id=theme_id, score=score))
        else:
            unplaced.append(index)
    proposals += _groups(ids, lessons_space, unplaced, taken={t.name for t in themes})
    ThemeProposal.objects.bulk_create(proposals)
    return len(proposals)


def _groups(ids, space, unplaced: list[int], *, taken: set[str]) -> list[ThemeProposal]:
    """Lessons close to no theme, grouped by the noun phrase of the vocabulary closest to each
    (by its names and the sentence that says what it covers, in the same centred space);
    a group of two or more is proposed as a new theme."""
    if not unplaced:
        return []
    entries = [entry for entry in THEME_NAMES if entry[0] not in taken]
    if not entries:
        return []
    texts = [" ".join(entry) for entry in entries]
    vocabulary = _centred(embeddings.embed_passages(texts), ["fi"] * len(texts))
    scores = space[unplaced] @ vocabulary.T
    groups: dict[int, list[tuple[int, float]]] = {}
    for index, row in zip(unplaced, scores, strict=True):
        best = int(row.argmax())
        if row[best] >= VOCABULARY_MIN_SCORE:
            groups.setdefault(best, []).append((index, float(row[best])))
    proposals = []
    for number, (entry_index, members) in enumerate(sorted(groups.items()), start=1):
        if len(members) < 2:
            continue
        name, name_sv, name_en = entries[entry_index][:3]
        for index, score in members:
            proposals.append(
                ThemeProposal(
                    lesson_id=ids[index],
                    group=number,
                    name=name,
                    name_sv=name_sv,
                    name_en=name_en,
                    score=score,
                )
            )
    return proposals


def _require_curator(user: User) -> None:
    if not roles.can_curate_themes(user):
        raise PermissionDenied


def _names(name: str, name_sv: str, name_en: str, description: str | None = None) -> dict:
    names = {"name": name.strip()[:100], "name_sv": name_sv.strip()[:100]}
    names["name_en"] = name_en.strip()[:100]
    if not names["name"]:
        raise ValidationError({"name": _("Give the theme a name in Finnish.")})
    if description is not None:
        names["description"] = description.strip()[:300]
    return names


@transaction.atomic
def theme_create(
    *, by: User, name: str, name_sv: str = "", name_en: str = "", description: str = ""
) -> Theme:
    _require_curator(by)
    names = _names(name, name_sv, name_en, description)
    if Theme.objects.filter(name__iexact=names["name"]).exists():
        raise ValidationError({"name": _("A theme of this name exists already.")})
    theme = Theme.objects.create(**names)
    audit_record(by, AuditEvent.Action.THEME_CHANGED, theme, change="created", **names)
    return theme


@transaction.atomic
def theme_rename(
    *,
    theme: Theme,
    by: User,
    name: str,
    name_sv: str = "",
    name_en: str = "",
    description: str | None = None,
) -> Theme:
    """New names (and, when given, a new description) for a theme."""
    _require_curator(by)
    names = _names(name, name_sv, name_en, description)
    if Theme.objects.filter(name__iexact=names["name"]).exclude(pk=theme.pk).exists():
        raise ValidationError({"name": _("A theme of this name exists already.")})
    for field, value in names.items():
        setattr(theme, field, value)
    theme.save()
    audit_record(by, AuditEvent.Action.THEME_CHANGED, theme, change="renamed", **names)
    return theme


@transaction.atomic
def themes_merge(*, theme: Theme, into: Theme, by: User) -> Theme:
    """Move every lesson of `theme` under `into` and remove `theme`."""
    _require_curator(by)
    if theme.pk == into.pk:
        raise ValidationError({"into": _("Choose another theme to merge into.")})
    for lesson in Lesson.objects.filter(themes=theme):
        lesson.themes.add(into)
    ThemeProposal.objects.filter(theme=theme).update(theme=into)
    audit_record(by, AuditEvent.Action.THEME_CHANGED, into, change="merged", merged=theme.name)
    theme.delete()
    return into


@transaction.atomic
def theme_retire(*, theme: Theme, by: User) -> Theme:
    """A retired theme keeps its lessons but is no longer proposed or offered."""
    _require_curator(by)
    theme.retired_at = timezone.now()
    theme.save(update_fields=["retired_at"])
    ThemeProposal.objects.filter(theme=theme).delete()
    audit_record(by, AuditEvent.Action.THEME_CHANGED, theme, change="retired")
    return theme


@transaction.atomic
def proposal_accept(*, lesson: Lesson, by: User) -> Theme:
    """The lesson goes under its proposed theme (a new one is created from the proposal)."""
    _require_curator(by)
    if not roles.may_tag_lesson(by, lesson.report.district_id):
        raise PermissionDenied
    proposal = ThemeProposal.objects.filter(lesson=lesson).select_related("theme").first()
    if proposal is None:
        raise ValidationError(_("This lesson has no proposal any more."))
    theme = proposal.theme or _theme_of_group(proposal, by=by)
    lesson.themes.add(theme)
    proposal.delete()
    audit_record(by, AuditEvent.Action.LESSON_TAGGED, lesson, theme=theme.pk)
    return theme


@transaction.atomic
def proposal_group_accept(
    *, group: int, by: User, name: str = "", name_sv: str = "", name_en: str = ""
) -> Theme:
    """Every lesson of a proposed group under one new theme (named as proposed, or renamed)."""
    _require_curator(by)
    proposals = list(
        ThemeProposal.objects.filter(group=group, theme__isnull=True).select_related(
            "lesson__report"
        )
    )
    if not group or not proposals:
        raise ValidationError(_("This group has no proposals any more."))
    # An agent limited to some districts accepts the group's lessons of those districts.
    proposals = [p for p in proposals if roles.may_tag_lesson(by, p.lesson.report.district_id)]
    if not proposals:
        raise PermissionDenied
    first = proposals[0]
    names = _names(name or first.name, name_sv or first.name_sv, name_en or first.name_en)
    names["description"] = description_of(names["name"])
    theme = Theme.objects.filter(name__iexact=names["name"]).first()
    if theme is None:
        theme = Theme.objects.create(**names)
        audit_record(by, AuditEvent.Action.THEME_CHANGED, theme, change="created", **names)
    for proposal in proposals:
        proposal.lesson.themes.add(theme)
        audit_record(by, AuditEvent.Action.LESSON_TAGGED, proposal.lesson, theme=theme.pk)
    ThemeProposal.objects.filter(pk__in=[p.pk for p in proposals]).delete()
    return theme


def _theme_of_group(proposal: ThemeProposal, *, by: User) -> Theme:
    names = _names(proposal.name, proposal.name_sv, proposal.name_en, description_of(proposal.name))
    theme = Theme.objects.filter(name__iexact=names["name"]).first()
    if theme is None:
        theme = Theme.objects.create(**names)
        audit_record(by, AuditEvent.Action.THEME_CHANGED, theme, change="created", **names)
    return theme
