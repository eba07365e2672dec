"""The evaluation of theme placement: the lessons of themes.json and themes_batch2.json tagged in
the tuning split are the themes' examples (themes_batch3.json, written apart, is all test), and
each theme has its name and a sentence of what it covers (as an agent writes them in the app);
each lesson of the test split is placed by the same functions the proposals use
(grants.services.themes), and compared with its gold themes. Also by words (the stems of
grants/similarity.py shared with each theme's examples), the ranking it replaces."""

from __future__ import annotations

from collections import Counter

import numpy as np

from . import similar


def evaluate() -> dict:
    from common import embeddings
    from grants.services import themes
    from grants.similarity import language_of, terms_of

    data = similar.load("themes.json")
    # The second batch's other themes were marked as each lesson was written (the first batch's
    # after its misplaced test lessons had been seen): its figures are the fairer ones.
    # The third batch was written apart, by an author who saw only the themes and none of the
    # placement: all of it is test, a set held out from every choice made.
    lessons = [{**lesson, "batch": 1} for lesson in data["lessons"]]
    for batch, name in ((2, "themes_batch2.json"), (3, "themes_batch3.json")):
        lessons += [{**lesson, "batch": batch} for lesson in similar.load(name)["lessons"]]
    keys = [theme["key"] for theme in data["themes"]]
    vectors = embeddings.embed_passages([lesson["text"] for lesson in lessons])
    languages = [language_of(lesson["text"]) for lesson in lessons]
    space = themes._centred(vectors, languages)
    tune = [i for i, lesson in enumerate(lessons) if lesson["split"] == "tune"]
    test = [i for i, lesson in enumerate(lessons) if lesson["split"] == "test"]
    # A lesson may belong to more than one theme (as in the app, where a lesson has several):
    # `theme` is its main one, `also` the others a curator would tag it with. A tagged lesson is
    # an example of each of its themes, and a lesson placed in any of its themes is placed right.
    themes_of = [{lesson["theme"], *lesson.get("also", [])} for lesson in lessons]
    exemplars = {
        number: space[[i for i in tune if key in themes_of[i]]] for number, key in enumerate(keys)
    }
    anchors = dict(
        enumerate(
            themes.anchors_of(
                [themes.anchor_text(t["names"]["fi"], t["description"]) for t in data["themes"]],
                vectors,
            )
        )
    )
    placed = themes.place(space[test], [languages[i] for i in test], exemplars, anchors)
    proposed = [
        keys[number] if score >= themes.THEME_MIN_SCORE else None for number, score in placed
    ]
    gold = [lessons[i]["theme"] for i in test]
    golds = [themes_of[i] for i in test]
    by_meaning = sum(p in g for p, g in zip(proposed, golds, strict=True)) / len(test)
    main_only = sum(p == g for p, g in zip(proposed, gold, strict=True)) / len(test)
    by_batch = {}
    for batch in (1, 2, 3):
        rows = [n for n, i in enumerate(test) if lessons[i]["batch"] == batch]
        by_batch[batch] = {
            "lessons": len(rows),
            "accuracy": sum(proposed[n] in golds[n] for n in rows) / len(rows),
            "accuracy_main": sum(proposed[n] == gold[n] for n in rows) / len(rows),
        }
    # The lessons whose other themes were marked as they were written (not the first batch's).
    blind = [n for n, i in enumerate(test) if lessons[i]["batch"] != 1]
    accuracy_blind = sum(proposed[n] in golds[n] for n in blind) / len(blind)
    best_only = sum(keys[n] in g for (n, _s), g in zip(placed, golds, strict=True)) / len(test)
    profiles = {key: Counter() for key in keys}
    for i in tune:
        for key in themes_of[i]:
            profiles[key].update(terms_of(lessons[i]["text"]))
    by_words = 0
    for i in test:
        terms = terms_of(lessons[i]["text"])
        scores = {key: sum(1 for term in terms if profiles[key][term]) for key in keys}
        best = max(scores, key=lambda key: scores[key])
        by_words += scores[best] > 0 and best in themes_of[i]
    return {
        "lessons": len(test),
        "accuracy": by_meaning,
        "accuracy_main": main_only,
        "accuracy_closest": best_only,
        "accuracy_blind": accuracy_blind,
        "lessons_blind": len(blind),
        "proposed": sum(p is not None for p in proposed) / len(test),
        "accuracy_words": by_words / len(test),
        "by_batch": by_batch,
        "scores": np.array([score for _n, score in placed]),
    }


def table(figures: dict) -> str:
    return "\n".join(
        [
            "| themes | test lessons | placement accuracy | main theme only | closest theme right "
            "| proposed |",
            "|---|---:|---:|---:|---:|---:|",
            f"| meaning | {figures['lessons']} | {figures['accuracy']:.2f} | "
            f"{figures['accuracy_main']:.2f} | {figures['accuracy_closest']:.2f} | "
            f"{figures['proposed']:.2f} |",
            *(
                f"| meaning, batch {batch} | {part['lessons']} | {part['accuracy']:.2f} | "
                f"{part['accuracy_main']:.2f} | | |"
                for batch, part in figures["by_batch"].items()
            ),
            f"| meaning, batches 2 and 3 (other themes marked as written) "
            f"| {figures['lessons_blind']} | {figures['accuracy_blind']:.2f} | | | |",
            f"| words | {figures['lessons']} | {figures['accuracy_words']:.2f} | | | |",
        ]
    )
