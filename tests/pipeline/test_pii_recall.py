"""Detection quality of the sensitive tier: recall per kind on a planted corpus built here, and
false positives on ordinary meetings (our samples and excerpts of real ones)."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from batch_core.ingest.text import parse_text
from batch_core.models import Turn
from batch_core.pipeline.pii.identifiers import is_swedish_personnummer, national_ids, phones
from batch_core.pipeline.redact import redact_turns
from tests.pipeline.pii_corpus import build, leaked_parts, norwegian_id, swedish_id

ROOT = Path(__file__).resolve().parents[2]
ORDINARY_SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.txt") if "sensitive" not in p.name)
EXCERPTS = json.loads((ROOT / "tests" / "fixtures" / "qmsum_excerpts.json").read_text("utf-8"))


def _redacted_text(transcript: str, title: str) -> str:
    redaction = redact_turns(parse_text(transcript), title=title)
    return "\n".join([redaction.title or ""] + [t.text for t in redaction.turns])


def _survives(part: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text) is not None


def test_every_planted_value_is_caught_and_recall_is_printed_per_kind():
    caught, total, missed = defaultdict(int), defaultdict(int), []
    for meeting in build():
        text = _redacted_text(meeting.transcript, meeting.title)
        for kind, values in meeting.values.items():
            for value in values:
                total[kind] += 1
                leaks = [p for p in leaked_parts(value, kind.split(" ")[0]) if _survives(p, text)]
                if leaks:
                    missed.append((kind, value))
                else:
                    caught[kind] += 1
    print("\nrecall per kind on the planted corpus:")
    for kind in sorted(total):
        print(f"  {kind:32s} {caught[kind]:3d}/{total[kind]:3d} = {caught[kind] / total[kind]:.2f}")
    assert sum(total.values()) >= 80
    assert not missed, f"planted values that survived redaction: {missed}"


def test_placeholders_are_consistent_within_a_meeting():
    meeting = build()[0]  # Ingrid Solberg ... later "Ingrid" alone
    redaction = redact_turns(parse_text(meeting.transcript), title=meeting.title)
    first = redaction.turns[0].text
    labels = re.findall(r"<PERSON_\d+>", first)
    assert len(labels) == 2 and labels[0] == labels[1], first  # full name and given name alone
    assert redaction.title == f"Case review 1: {labels[0]}"


def _replaced_share(turns: list[Turn]) -> tuple[float, list[str]]:
    """Share of words turned into placeholders, not counting mentions of speakers (SPEAKER_n
    replaces a name everyone in the room knows, and it is no false positive)."""
    redaction = redact_turns(turns)
    words = replaced = 0
    hits = []
    for before, after in zip(turns, redaction.turns):
        words += len(before.text.split())
        for label in re.findall(r"<[A-Z_]+_\d+>", after.text):
            replaced += 1
            hits.append(label)
    return replaced / max(words, 1), hits


@pytest.mark.parametrize("path", ORDINARY_SAMPLES, ids=lambda p: p.name)
def test_ordinary_samples_lose_at_most_one_percent_of_words(path):
    share, hits = _replaced_share(parse_text(path.read_text("utf-8")))
    print(f"\n{path.name}: {share:.2%} of words replaced ({len(hits)} placeholders)")
    assert share <= 0.01, hits


@pytest.mark.parametrize("excerpt", EXCERPTS["meetings"], ids=lambda m: m["name"])
def test_real_meetings_lose_at_most_one_percent_of_words(excerpt):
    turns = [Turn(speaker=t["speaker"], text=t["content"]) for t in excerpt["turns"]]
    share, hits = _replaced_share(turns)
    print(f"\n{excerpt['name']}: {share:.2%} of words replaced ({len(hits)} placeholders)")
    assert share <= 0.01, hits


def test_common_words_that_are_names_survive_where_they_are_not_names():
    text = ("Kari Nordmann: We will mark the Bill as passed in May. Will you mark it? "
            "May I ask who will bill the client? Grace periods apply.\n"
            "Per Hansen: I hope so. The Bill passed, and in May we will review it.")
    redaction = redact_turns(parse_text(text))
    out = " ".join(t.text for t in redaction.turns)
    assert out == ("We will mark the Bill as passed in May. Will you mark it? "
                   "May I ask who will bill the client? Grace periods apply. "
                   "I hope so. The Bill passed, and in May we will review it.")


def test_national_ids_need_their_checksums():
    rng = __import__("random").Random(3)
    valid = norwegian_id(rng)
    broken = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    assert [s.kind for s in national_ids(f"id {valid}")] == ["NATIONAL_ID"]
    assert national_ids(f"id {broken}") == []
    swedish = swedish_id(rng)
    assert is_swedish_personnummer(swedish)
    assert not is_swedish_personnummer(swedish[:-1] + str((int(swedish[-1]) + 1) % 10))


@pytest.mark.parametrize("text", ["on 2024-09-15 at 10:30", "the 2023-2024 budget",
                                  "costs NOK 1 250 000", "version 10.2.3", "from 10.30-11.00",
                                  "15.09.2024", "USD 1.500.000"])
def test_dates_times_amounts_and_versions_are_not_phones(text):
    assert phones(text) == [], text
