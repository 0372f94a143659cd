"""Precision/recall of extracted items against samples/labels.json (used by a test and by hand)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from batch_core.ingest.text import parse_text
from batch_core.ingest.turns import render_text, speakers_of
from batch_core.pipeline.providers.base import ExtractionRequest
from batch_core.pipeline.providers.local import LocalProvider

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
KINDS = ("action_items", "decisions", "open_questions")


@dataclass
class Score:
    matched_predictions: int = 0
    predictions: int = 0
    matched_labels: int = 0
    labels: int = 0

    @property
    def precision(self) -> float:
        return self.matched_predictions / self.predictions if self.predictions else 0.0

    @property
    def recall(self) -> float:
        return self.matched_labels / self.labels if self.labels else 0.0


def load_labels() -> dict:
    labels = json.loads((SAMPLES / "labels.json").read_text(encoding="utf-8"))
    labels.pop("_about", None)
    return labels


def _text_of(kind: str, item) -> str:
    if kind == "action_items":
        return f"{item.task} {item.deadline or ''}"
    if kind == "decisions":
        return f"{item.topic} {item.decision}"
    return item.question


def _matches(kind: str, item, label: dict) -> bool:
    text = _text_of(kind, item).lower()
    if not all(any(alt in text for alt in group.lower().split("|")) for group in label["keywords"]):
        return False
    return kind != "action_items" or item.owner == label.get("owner")


def score_items(kind: str, predicted: list, labels: list[dict]) -> tuple[Score, list[str]]:
    """Greedy one-to-one matching; a second prediction of the same label counts as a false positive."""
    used: set[int] = set()
    score = Score(predictions=len(predicted), labels=len(labels))
    misses = []
    for item in predicted:
        hit = next((i for i, label in enumerate(labels) if i not in used and _matches(kind, item, label)), None)
        if hit is None:
            misses.append(f"  extra {kind}: {_text_of(kind, item)!r} owner={getattr(item, 'owner', '-')}")
        else:
            used.add(hit)
            score.matched_predictions += 1
    score.matched_labels = len(used)
    misses += [f"  missed {kind}: {labels[i]}" for i in range(len(labels)) if i not in used]
    return score, misses


def evaluate(verbose: bool = False, held_out: bool | None = None) -> dict[str, Score]:
    """Totals over the labelled samples; held_out=True/False restricts to one group, None = all."""
    totals = {kind: Score() for kind in KINDS}
    provider = LocalProvider()
    for name, expected in load_labels().items():
        if held_out is not None and bool(expected.get("held_out")) != held_out:
            continue
        turns = parse_text((SAMPLES / name).read_text(encoding="utf-8"))
        insights = provider.extract(ExtractionRequest(title=name, turns=turns, transcript=render_text(turns),
                                                      speakers=speakers_of(turns))).insights
        for kind in KINDS:
            score, notes = score_items(kind, getattr(insights, kind), expected[kind])
            total = totals[kind]
            total.matched_predictions += score.matched_predictions
            total.predictions += score.predictions
            total.matched_labels += score.matched_labels
            total.labels += score.labels
            if verbose and notes:
                print(name, "\n".join(notes), sep="\n")
    return totals


def report(totals: dict[str, Score]) -> str:
    return "\n".join(f"{kind:15s} precision {s.precision:.2f} ({s.matched_predictions}/{s.predictions})"
                     f"  recall {s.recall:.2f} ({s.matched_labels}/{s.labels})" for kind, s in totals.items())


if __name__ == "__main__":
    for group, flag in (("tuning samples", False), ("held-out samples", True)):
        print(f"--- {group}")
        print(report(evaluate(verbose=True, held_out=flag)))
