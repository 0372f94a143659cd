"""Precision/recall of the local provider against the hand labels in samples/labels.json."""
from __future__ import annotations

from tests.pipeline.label_eval import KINDS, evaluate, report

# Floors well under the measured figures: they catch a broken rule, not noise.
FLOOR = {"action_items": 0.75, "decisions": 0.6, "open_questions": 0.6}


def test_local_provider_precision_and_recall_on_labelled_samples(capsys):
    tuning, held_out = evaluate(held_out=False), evaluate(held_out=True)
    with capsys.disabled():
        print("\nlocal provider vs hand labels — tuning samples\n" + report(tuning))
        print("local provider vs hand labels — held-out samples\n" + report(held_out))
    for kind in KINDS:
        for totals in (tuning, held_out):
            assert totals[kind].labels > 0
            assert totals[kind].precision >= FLOOR[kind], kind
            assert totals[kind].recall >= FLOOR[kind], kind
