"""Themes for lessons: proposals for the untagged ones, by the same stems as similar pilots.

An untagged lesson is proposed the existing theme whose lessons share the most terms with it;
lessons that fit no theme are grouped with each other when they share terms, and the group is
proposed a new theme named after its most common word. Works in Finnish, Swedish and English.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from grants.models import Lesson, Theme
from grants.similarity import STOPWORDS, terms_of

MIN_SHARED_TERMS = 2
TAGGED_SAMPLE = 2000
UNTAGGED_LIMIT = 100
WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


@dataclass
class Proposal:
    lesson: Lesson
    theme: Theme | None = None
    new_name: str = ""
    group: list[Lesson] = field(default_factory=list)


def _theme_terms() -> dict[int, Counter]:
    terms: dict[int, Counter] = defaultdict(Counter)
    tagged = Lesson.themes.through.objects.select_related("lesson").order_by("-id")[:TAGGED_SAMPLE]
    for link in tagged:
        terms[link.theme_id].update(terms_of(link.lesson.text))
    return terms


def proposals(*, lessons=None) -> list[Proposal]:
    untagged = list(
        lessons
        if lessons is not None
        else Lesson.objects.filter(themes__isnull=True)
        .select_related("report__idea__district")
        .order_by("-id")[:UNTAGGED_LIMIT]
    )
    themes = {theme.pk: theme for theme in Theme.objects.all()}
    theme_terms = _theme_terms()
    result: list[Proposal] = []
    unplaced: list[tuple[Lesson, set[str]]] = []
    for lesson in untagged:
        terms = terms_of(lesson.text)
        scores = {
            theme_id: sum(1 for term in terms if counter[term])
            for theme_id, counter in theme_terms.items()
        }
        best = max(scores.items(), key=lambda item: (item[1], -item[0]), default=(None, 0))
        if best[0] is not None and best[1] >= MIN_SHARED_TERMS:
            result.append(Proposal(lesson=lesson, theme=themes[best[0]]))
        else:
            unplaced.append((lesson, terms))
    result.extend(_new_groups(unplaced))
    return result


def _new_groups(unplaced: list[tuple[Lesson, set[str]]]) -> list[Proposal]:
    """Group the remaining lessons that share terms (single linkage) and name each group."""
    parent = list(range(len(unplaced)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i in range(len(unplaced)):
        for j in range(i + 1, len(unplaced)):
            if len(unplaced[i][1] & unplaced[j][1]) >= MIN_SHARED_TERMS:
                parent[root(j)] = root(i)
    groups: dict[int, list[Lesson]] = defaultdict(list)
    for index, (lesson, _terms) in enumerate(unplaced):
        groups[root(index)].append(lesson)
    proposals_: list[Proposal] = []
    for members in groups.values():
        name = _name_for(members) if len(members) > 1 else ""
        for lesson in members:
            proposals_.append(Proposal(lesson=lesson, new_name=name, group=members))
    return proposals_


def _name_for(lessons: list[Lesson]) -> str:
    words = Counter(
        word
        for lesson in lessons
        for word in set(WORD.findall(lesson.text.lower()))
        if word not in STOPWORDS
    )
    if not words:
        return ""
    return words.most_common(1)[0][0].capitalize()
