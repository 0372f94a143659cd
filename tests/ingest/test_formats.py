"""Every supported format and variant, from fixture files: speakers, turns, title and date."""
from __future__ import annotations

import pytest

from batch_core.ingest import IngestFormat, load_files, parse_text
from tests.ingest.helpers import fixture_bytes


def _one(name: str):
    report = load_files([(name, fixture_bytes(name))])
    assert report.errors == [] and report.ignored == []
    assert len(report.parsed) == 1
    return report.parsed[0]


@pytest.mark.parametrize("name, fmt, title, date, speakers, turns", [
    ("2025-02-18_Q3-planning-review.vtt", "vtt", "Q3 planning review", "2025-02-18",
     ["Alice Smith", "Bob Jones", "Carol Nguyen"], 5),
    ("stream_legacy_all_hands.vtt", "vtt", "stream legacy all hands", None, [], 1),
    ("GMT20250218-100000_Recording.transcript.vtt", "vtt", "Recording transcript", "2025-02-18",
     ["Dana Lee", "Erik Larsen"], 4),
    ("product_demo_captions.vtt", "vtt", "product demo captions", None, [], 1),
    ("2025-03-04_design-sync.srt", "srt", "design sync", "2025-03-04", ["Maria Garcia", "Tom Becker"], 3),
    ("webinar_subtitles.srt", "srt", "webinar subtitles", None, [], 1),
    ("timed_standup.txt", "text", "Platform standup", "2025-02-20", ["Priya Patel", "Jonas Weber", "Mei Chen"], 5),
    ("retro_notes.txt", "text", "retro notes", None, ["Sam", "Lena"], 4),
    ("otter_customer_call_2025-01-30.txt", "text", "otter customer call", "2025-01-30",
     ["Rachel Kim", "Omar Haddad"], 4),
    ("board_summary.txt", "text", "board summary", None, [], 1),
    ("hiring_sync.md", "markdown", "Hiring sync, backend team", "2025-02-21", ["Nora", "Felix"], 4),
    ("roadmap_review.md", "markdown", "Roadmap review", None, ["Ana", "Ben"], 3),
    ("pasted_vtt_named_txt.txt", "vtt", "pasted vtt named txt", None, ["Alice Smith", "Bob Jones", "Carol Nguyen"], 5),
])
def test_fixture_parses(name, fmt, title, date, speakers, turns):
    parsed = _one(name)
    assert (parsed.format, parsed.title, parsed.meeting_date) == (IngestFormat(fmt), title, date)
    assert parsed.speakers == speakers
    assert len(parsed.turns) == turns
    assert parsed.word_count == sum(len(t.text.split()) for t in parsed.turns) > 0


def test_normalised_text_round_trips_through_parse_text():
    for name in ("2025-02-18_Q3-planning-review.vtt", "2025-03-04_design-sync.srt", "timed_standup.txt",
                 "otter_customer_call_2025-01-30.txt", "retro_notes.txt", "board_summary.txt"):
        parsed = _one(name)
        again = parse_text(parsed.text)
        assert [(t.speaker, t.text, int(t.start) if t.start is not None else None) for t in again] == \
               [(t.speaker, t.text, int(t.start) if t.start is not None else None) for t in parsed.turns], name


def test_teams_vtt_details():
    parsed = _one("2025-02-18_Q3-planning-review.vtt")
    alice, bob, carol, alice_again, bob_again = parsed.turns
    # Two consecutive cues of Alice (ids 12-0 and 12-1) merge; the multi-line payload is one line.
    assert alice.text == ("Good morning everyone, thanks for joining the Q3 planning review. "
                          "Today we need to settle the budget and agree on the launch date.")
    assert (alice.start, alice.end) == (3.12, 11.9)
    # Missing </v>, <c>/<lang> tags and &amp; are handled; the cue filed later in the file but
    # earlier in time (id 4-0) is put back in order.
    assert bob.text == "Thanks Alice. R&D needs about forty thousand more for the colour calibration work, as discussed."
    assert carol.text == "I can confirm the vendor quote <by Friday>, and I will share it with finance."
    assert alice_again.speaker == "Alice Smith" and bob_again.text == "Sounds good to me."
    assert parsed.duration_seconds == pytest.approx(33.75 - 3.12)
    assert parsed.text.splitlines()[0].startswith("[00:00:03] Alice Smith: Good morning")


def test_zoom_merges_consecutive_cues_and_keeps_timestamps():
    parsed = _one("GMT20250218-100000_Recording.transcript.vtt")
    assert [t.speaker for t in parsed.turns] == ["Dana Lee", "Erik Larsen", "Dana Lee", "Erik Larsen"]
    assert parsed.turns[2].text == "Great. First item is the onboarding flow. We saw a drop of twelve percent on step two."
    assert (parsed.turns[2].start, parsed.turns[2].end) == (6.9, 15.6)


def test_legacy_stream_notes_are_not_text():
    parsed = _one("stream_legacy_all_hands.vtt")
    assert "NOTE" not in parsed.text and "Confidence" not in parsed.text
    assert parsed.turns[0].speaker is None
    assert parsed.duration_seconds == pytest.approx(21.456)


def test_srt_speaker_prefixes_and_tags():
    parsed = _one("2025-03-04_design-sync.srt")
    assert parsed.turns[0].text == "Let's review the new icon set. I pushed the files this morning."
    assert parsed.turns[2].text == "Noted, I'll fix it today."


def test_text_header_lines_are_metadata_not_speech():
    parsed = _one("timed_standup.txt")
    assert "Attendees" not in parsed.text and "Platform standup" not in parsed.text
    assert parsed.turns[3].text == "I'll ask ops to unblock you today. Anything else?"


def test_otter_headers():
    parsed = _one("otter_customer_call_2025-01-30.txt")
    assert [t.start for t in parsed.turns] == [2, 9, 21, 63]
    assert parsed.turns[1].text == "Sure. We're mostly happy, but the reporting module has been slow. It takes minutes to load on Mondays."


def test_markdown_front_matter_and_emphasis():
    parsed = _one("hiring_sync.md")
    assert parsed.turns[-1].speaker == "Nora" and "**" not in parsed.text
    assert parsed.turns[1].text == "We have three candidates in the final round."


def test_same_inferred_title_twice_keeps_both():
    data = fixture_bytes("retro_notes.txt")
    report = load_files([("retro_notes.txt", data), ("retro-notes.txt", data)])
    assert [(p.name, p.title) for p in report.parsed] == [("retro_notes.txt", "retro notes"),
                                                          ("retro-notes.txt", "retro notes")]


def test_report_serialises_for_table_and_json():
    report = load_files([("retro_notes.txt", fixture_bytes("retro_notes.txt"))])
    dumped = report.model_dump(mode="json")
    assert dumped["parsed"][0]["format"] == "text"
    assert dumped["parsed"][0]["turns"][0] == {"speaker": "Sam", "text": "What went well this sprint?",
                                              "start": None, "end": None}
    meeting = report.parsed[0].as_meeting("sensitive")
    assert meeting == {"title": "retro notes", "tier": "sensitive", "transcript": report.parsed[0].text,
                       "meeting_date": None, "source_name": "retro_notes.txt"}


def test_text_given_as_str_is_accepted():
    report = load_files([("notes.txt", "Ana: hi\nBen: hello")])
    assert report.parsed[0].speakers == ["Ana", "Ben"]
