"""The evaluation of "learn before you try": the pilots of devtools/evaluation/pilots.json are
put in the database (inside a transaction that is rolled back), their meaning computed by the
real services, and every query of queries.json asked through the same function the pages use
(grants.selectors.similar_pilots), by meaning and by words (the ranking it replaces).

Measures, per category and split: hit@3 (the main pilot among the three shown), recall@3 (of
the pilots graded 2 or 3, the share shown, at most three), MRR of the main pilot, and on the
ideas like nothing the false-positive rate (anything shown at all)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.test import override_settings

HERE = Path(__file__).resolve().parent
SPLITS = ("tune", "test", "all")
CATEGORIES = ("inflection", "paraphrase", "synonym", "cross_language", "no_match")


class _RolledBack(Exception):
    pass


def load(name: str):
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def query_text(query: dict) -> str:
    return " ".join(part for part in (query["title"], query["need"], query["plan"]) if part)


def seed_pilots(pilots: list[dict]) -> dict[int, str]:
    """The pilots as closed, reported ideas with their lessons; returns idea id → key."""
    from actors.models import Actor, District, User
    from grants import services
    from grants.models import ClosingReport, Idea, Lesson, Round
    from grants.workflow import Status

    user = User.objects.create_user(email="evaluation@example.invalid", password=None)
    districts = {}
    for pilot in pilots:
        slug = pilot["district"]
        if slug not in districts:
            districts[slug], _ = District.objects.get_or_create(
                slug=f"eval-{slug}", defaults={"name": f"Eval {slug.title()}"}
            )
    round_ = Round.objects.create(
        name="Evaluation",
        slug="evaluation",
        budget=Decimal("1000000"),
        opens_on=date(2020, 1, 1),
    )
    round_.districts.set(districts.values())
    keys = {}
    for pilot in pilots:
        actor = Actor.objects.create(kind=pilot["applicant_kind"], name=f"eval {pilot['key']}")
        idea = Idea.objects.create(
            round=round_,
            applicant=actor,
            created_by=user,
            district=districts[pilot["district"]],
            title=pilot["title"][:120],
            need=pilot["need"],
            plan=pilot["plan"],
            starts_on=date(2024, 5, 1),
            ends_on=date(2024, 5, 1) + timedelta(days=30),
            amount=Decimal("500"),
            status=Status.CLOSED,
        )
        report = ClosingReport.objects.create(
            idea=idea,
            submitted_by=user,
            what_happened="",
            actual_cost=Decimal("400"),
            what_worked="",
            novelty=3,
            change=3,
            usefulness=3,
            continuation=ClosingReport.Continuation.ENDED,
            publish=True,
        )
        Lesson.objects.bulk_create(
            Lesson(report=report, text=text[:300], position=position)
            for position, text in enumerate(pilot["lessons"], start=1)
        )
        services.idea_index_terms(idea=idea)
        keys[idea.pk] = pilot["key"]
    services.term_stats_refresh()
    services.embeddings_sweep(limit=100_000)
    return keys


def _measure(queries: list[dict], shown: dict[str, list[str]]) -> dict:
    figures = {}
    for split in SPLITS:
        chosen = [q for q in queries if split == "all" or q["split"] == split]
        rows = {}
        for category in (*CATEGORIES, "overall"):
            group = [q for q in chosen if category in ("overall", q["category"])]
            matched = [q for q in group if q["main"]]
            blank = [q for q in group if not q["main"]]
            row = {"queries": len(group)}
            if matched:
                row["hit@3"] = sum(q["main"] in shown[q["id"]][:3] for q in matched) / len(matched)
                recalls = []
                for q in matched:
                    relevant = [key for key, grade in q["relevant"].items() if grade >= 2]
                    found = len(set(relevant) & set(shown[q["id"]][:3]))
                    recalls.append(found / min(3, len(relevant)))
                row["recall@3"] = sum(recalls) / len(recalls)
                row["mrr"] = sum(
                    1 / (shown[q["id"]].index(q["main"]) + 1) if q["main"] in shown[q["id"]] else 0
                    for q in matched
                ) / len(matched)
            if blank:
                row["false_positive_rate"] = sum(bool(shown[q["id"]]) for q in blank) / len(blank)
            rows[category] = row
        figures[split] = rows
    return figures


def evaluate() -> dict:
    """Both rankings' figures: {"meaning": {split: {category: {...}}}, "words": {...}}."""
    from grants import selectors

    pilots, queries = load("pilots.json"), load("queries.json")
    result = {}
    try:
        with transaction.atomic():
            keys = seed_pilots(pilots)
            for method, enabled in (("meaning", True), ("words", False)):
                with override_settings(EMBEDDINGS_ENABLED=enabled):
                    shown = {
                        q["id"]: [
                            keys[pilot.pk]
                            for pilot in selectors.similar_pilots(text=query_text(q), limit=3)
                            if pilot.pk in keys
                        ]
                        for q in queries
                    }
                result[method] = _measure(queries, shown)
                result[method]["shown"] = shown
            raise _RolledBack
    except _RolledBack:
        pass
    return result


def table(figures: dict) -> str:
    """The figures as a Markdown table, one row per split and category."""
    lines = [
        "| ranking | split | category | queries | hit@3 | recall@3 | MRR | false positives |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for method in ("meaning", "words"):
        for split in SPLITS:
            for category, row in figures[method][split].items():

                def cell(name, row=row):
                    return f"{row[name]:.2f}" if name in row else ""

                lines.append(
                    f"| {method} | {split} | {category} | {row['queries']} | {cell('hit@3')} | "
                    f"{cell('recall@3')} | {cell('mrr')} | {cell('false_positive_rate')} |"
                )
    return "\n".join(lines)
