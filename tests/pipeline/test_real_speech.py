"""The offline provider on real, disfluent speech: clean-up, grounded topics, fluent summaries,
work that is really work, decisions that are really decided, sentiment that is not all praise.
Excerpts of real meetings (QMSum, MIT licence) are shipped in tests/fixtures."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from batch_core.ingest.text import parse_text
from batch_core.ingest.turns import render_text, speakers_of
from batch_core.models import Turn
from batch_core.pipeline.providers.base import ExtractionRequest
from batch_core.pipeline.providers.local import LocalProvider
from batch_core.pipeline.sentiment import speaker_sentiment
from batch_core.pipeline.speech import clean_text, is_backchannel
from tests.pipeline.label_eval import Score, score_items

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LABELS = json.loads((FIXTURES / "real_meeting_labels.json").read_text("utf-8"))
EXCERPTS = json.loads((FIXTURES / "qmsum_excerpts.json").read_text("utf-8"))
# Floors under the measured figures (bench/bench_quality.py prints them): they catch a broken
# rule, not noise. Measured: action items P 0.71 / R 0.33, decisions P 1.00 / R 0.25.
FLOOR = {"action_items": (0.6, 0.25), "decisions": (0.5, 0.2)}


def _turns(raw: list[dict]) -> list[Turn]:
    return [Turn(speaker=t["speaker"], text=t["content"]) for t in raw if t["content"].strip()]


def _extract(turns: list[Turn]):
    return LocalProvider().extract(ExtractionRequest(
        title="t", turns=turns, transcript=render_text(turns), speakers=speakers_of(turns))).insights


def test_speech_clean_up():
    assert clean_text("Okay . So , this is uh first meeting . Um and I um like it .") == \
        "Okay. So, this is first meeting. And I like it."
    assert clean_text("I I think it 's the the L_C_D_ , uh , ri - ri right {vocalsound} .") == \
        "I think it's the LCD, right."
    assert clean_text("We do n't know [00:01:02] yet, the meeting is at 10:30") == \
        "We don't know yet, the meeting is at 10:30"
    assert is_backchannel("Mm-hmm, yeah.") and not is_backchannel("Yeah, the battery is fine.")


def test_topics_are_grounded_in_the_meeting_and_never_fillers_or_names():
    for excerpt in EXCERPTS["meetings"]:
        turns = _turns(excerpt["turns"])
        meeting_words = set(re.findall(r"[a-z']+", " ".join(t.text for t in turns).lower()))
        topics = [t.name for t in _extract(turns).key_topics]
        assert topics, excerpt["name"]
        for name in topics:
            assert set(name.lower().split()) <= meeting_words, (excerpt["name"], name)
            assert not set(name.lower().split()) & {"yeah", "um", "uh", "okay", "mm-hmm", "gonna"}


def test_summaries_are_fluent_sentences_without_fillers_or_timestamps():
    for excerpt in EXCERPTS["meetings"]:
        summary = _extract(_turns(excerpt["turns"])).summary
        assert summary.startswith("The meeting was mainly about")
        assert not re.search(r"\b(?:uh|um|mm-hmm)\b|\{\w+\}|\d+:\d\d:\d\d| [.,] ", summary, re.I), summary
        assert 40 <= len(summary.split()) <= 250


def test_action_items_and_decisions_on_hand_labelled_real_meetings():
    totals = {kind: Score() for kind in FLOOR}
    for excerpt in LABELS["excerpts"]:
        insights = _extract(_turns(excerpt["turns"]))
        for kind, total in totals.items():
            score, _ = score_items(kind, getattr(insights, kind), excerpt[kind])
            for name in ("matched_predictions", "predictions", "matched_labels", "labels"):
                setattr(total, name, getattr(total, name) + getattr(score, name))
        for item in insights.action_items:
            assert len(item.task.split()) >= 2 and item.priority in (None, "low", "high")
    for kind, (precision, recall) in FLOOR.items():
        print(f"\n{kind}: precision {totals[kind].precision:.2f} recall {totals[kind].recall:.2f}")
        assert totals[kind].precision >= precision and totals[kind].recall >= recall, kind


def test_vague_fragments_are_not_action_items_and_priority_is_never_a_default():
    items = _extract(parse_text(
        "Ana Silva: Okay, I'll get it out. I'll put that there. I'll make something up.\n"
        "Lee Park: I'll send the revised budget to finance by Friday.\n")).action_items
    assert [(i.owner, i.task, i.priority) for i in items] == \
        [("Lee Park", "Send the revised budget to finance by Friday", None)]


def test_a_role_named_assignment_and_a_consensus_decision():
    insights = _extract(parse_text(
        "Project Manager: So we use a normal battery.\nMarketing: Yeah.\nIndustrial Designer: Okay.\n"
        "Project Manager: In the meantime, the Industrial Designer is gonna work on the look and "
        "feel design, and the Marketing Expert is going to work on product evaluation.\n"
        "Industrial Designer: Alright.\nMarketing: Sure.\n"))
    assert [(d.topic, d.decision) for d in insights.decisions] == [("normal battery", "We use a normal battery")]
    assert [(a.owner, a.task) for a in insights.action_items] == [
        ("Industrial Designer", "Work on the look and feel design"),
        ("Marketing", "Work on product evaluation")]


def test_hedges_and_other_peoples_decisions_are_not_the_groups_decisions():
    insights = _extract(parse_text(
        "Ana Silva: Maybe let's go with the blue one, I guess.\n"
        "Lee Park: The government decided to cut our funding, brilliant work as usual.\n"
        "Ana Silva: I think we could use a joystick.\nLee Park: Yeah.\n"))
    assert insights.decisions == []


def test_sentiment_of_spoken_backchannels_is_neutral_not_praise():
    turns = parse_text("Ana Silva: Yeah. Okay. Right, yeah.\nAna Silva: Yeah, okay, so the next item.\n"
                       "Lee Park: Mm-hmm. Okay. Yeah, right.\nLee Park: Okay, the budget line is next.")
    labels = {s.speaker: s.label for s in speaker_sentiment(turns)}
    assert labels == {"Ana Silva": "neutral", "Lee Park": "neutral"}


def test_sentiment_is_not_all_one_label_on_real_meetings():
    counts = Counter(s.label for m in EXCERPTS["meetings"] + [
        {"turns": e["turns"]} for e in LABELS["excerpts"]] for s in speaker_sentiment(_turns(m["turns"])))
    # Short excerpts lean neutral; over the 35 whole dev meetings the split is 55/41/4 %
    # (bench/bench_quality.py), where VADER's own thresholds gave 87 % positive.
    assert len(counts) >= 2 and max(counts.values()) / sum(counts.values()) <= 0.8, counts
