"""Speech-to-text JSON, Webex, SBV, Whisper TSV, Zoom columns, tl;dv, Google Meet text and PDF:
each fixture (shapes from each tool's public documentation) reaches the pipeline with the right
speakers and turns; hostile variants are refused in plain words."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from batch_core.ingest import load_files
from batch_core.ingest.text import parse_text
from batch_core.models import MeetingIn
from batch_core.pipeline import run_pipeline
from tests.ingest.pdf_builder import encrypted_pdf, image_only_pdf, text_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

# file -> (format, tool, speakers, turns)
EXPECTED = {
    "whisper.json": ("json", "Whisper", [], 1),
    "whisperx.json": ("json", "WhisperX", ["Speaker 0", "Speaker 1"], 2),
    "assemblyai.json": ("json", "AssemblyAI", ["Speaker A", "Speaker B"], 3),
    "deepgram_utterances.json": ("json", "Deepgram", ["Speaker 0", "Speaker 1"], 2),
    "deepgram_words.json": ("json", "Deepgram", ["Speaker 0", "Speaker 1"], 2),
    "aws_transcribe.json": ("json", "AWS Transcribe", ["Speaker 0", "Speaker 1"], 2),
    "fireflies.json": ("json", "Fireflies", ["Kari Nordmann", "Ola Hansen"], 2),
    "whisper.tsv": ("tsv", "Whisper", [], 1),
    "webex.vtt": ("vtt", None, ["Kari Nordmann", "Ola Hansen"], 2),
    "youtube.sbv": ("sbv", None, [], 1),
    "zoom_columns.txt": ("text", None, ["Kari Nordmann", "Ola Hansen"], 2),
    "tldv.md": ("markdown", None, ["Kari Nordmann", "Ola Hansen"], 2),
    "google_meet.txt": ("text", None, ["Kari Nordmann", "Ola Hansen"], 3),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_format_reaches_the_pipeline_with_its_speakers_and_turns(name):
    fmt, tool, speakers, turns = EXPECTED[name]
    report = load_files([(name, (FIXTURES / name).read_bytes())])
    assert not report.errors, report.errors
    parsed = report.parsed[0]
    assert (parsed.format.value, parsed.source_tool) == (fmt, tool)
    assert parsed.speakers == speakers
    spoken = [t for t in parsed.turns if t.speaker or not speakers]
    assert len(spoken) == turns, parsed.turns
    # The stored text reads back to the same turns, and the pipeline runs on it.
    assert [t.speaker for t in parse_text(parsed.text)] == [t.speaker for t in parsed.turns]
    record = run_pipeline(MeetingIn(**parsed.as_meeting("ordinary")), "meeting_fmt000000", None)
    assert record.speakers == speakers
    assert "report" in record.transcript or "morning" in record.transcript.lower()


def test_json_is_recognised_by_its_keys_not_its_extension():
    data = (FIXTURES / "assemblyai.json").read_bytes()
    parsed = load_files([("export.txt", data)]).parsed[0]
    assert parsed.source_tool == "AssemblyAI" and parsed.language == "en_us"


def test_consecutive_cues_of_one_speaker_become_one_turn():
    parsed = load_files([("webex.vtt", (FIXTURES / "webex.vtt").read_bytes())]).parsed[0]
    assert [t.speaker for t in parsed.turns] == ["Kari Nordmann", "Ola Hansen"]
    assert parsed.turns[1].text.endswith("And the slides too.")


def test_fireflies_title_and_date_come_from_the_export():
    parsed = load_files([("ff.json", (FIXTURES / "fireflies.json").read_bytes())]).parsed[0]
    assert (parsed.title, parsed.meeting_date) == ("Budget review", "2025-12-01")


@pytest.mark.parametrize("name, data, reason", [
    ("chat.txt", (FIXTURES / "zoom_chat.txt").read_bytes(), "a Zoom chat log"),
    ("other.json", json.dumps({"users": [1, 2], "version": 3}).encode(), "keys: users, version"),
    ("deep.json", ("[" * 5000 + "]" * 5000).encode(), "nested more than"),
    ("broken.json", b'{"segments": [', "broken JSON"),
    ("notjson.json", b"Kari: hello there, this is text", "not a JSON file"),
    ("empty_words.json", json.dumps({"utterances": [{"speaker": "A", "text": ""}]}).encode(), "holds no words"),
    ("bad.tsv", b"start\tend\ttext\nsoon\tlater\thello\n", "not milliseconds"),
    ("scan.pdf", image_only_pdf(), "a scanned PDF"),
    ("locked.pdf", encrypted_pdf(), "password-protected"),
    ("fake.pdf", b"Kari: not a pdf at all", "not a PDF file"),
    ("garbage.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 100, "broken PDF"),
])
def test_hostile_and_wrong_files_are_refused_in_plain_words(name, data, reason):
    report = load_files([(name, data), ("good.sbv", (FIXTURES / "youtube.sbv").read_bytes())])
    assert [p.name for p in report.parsed] == ["good.sbv"]  # one bad file never sinks the upload
    assert len(report.errors) == 1 and reason in report.errors[0].reason, report.errors
    assert "Traceback" not in report.errors[0].reason


def test_a_text_pdf_is_read_as_a_transcript_with_its_title():
    data = text_pdf(["Kari Nordmann: Good morning, let's go through the budget.",
                     "Ola Hansen: I'll send the report by Friday.",
                     "Kari Nordmann: Great, thank you."], title="Budget review minutes")
    parsed = load_files([("minutes.pdf", data)]).parsed[0]
    assert parsed.format.value == "pdf" and parsed.title == "Budget review minutes"
    assert parsed.speakers == ["Kari Nordmann", "Ola Hansen"] and len(parsed.turns) == 3


def test_a_huge_flat_json_array_within_the_size_cap_parses_in_bounded_time():
    segments = [{"id": i, "start": i, "end": i + 1, "text": f" word{i % 50} and more"} for i in range(60_000)]
    data = json.dumps({"segments": segments, "language": "en"}).encode()
    parsed = load_files([("long.json", data)]).parsed[0]
    assert parsed.word_count == 60_000 * 3


def test_google_meet_heading_gives_title_and_date_and_is_not_said():
    parsed = load_files([("doc.txt", (FIXTURES / "google_meet.txt").read_bytes())]).parsed[0]
    assert (parsed.title, parsed.meeting_date) == ("Budget review", "2025-11-28")
    assert all(t.speaker for t in parsed.turns)
    assert parsed.turns[-1].start == 647.0  # the bare 00:10:47 line times the turn after it


def test_a_text_transcript_opening_with_a_bracketed_time_is_not_json():
    parsed = load_files([("t.txt", b"[00:00:01] Kari Nordmann: Good morning.\n[00:00:05] Ola Hansen: Hi.\n")]).parsed[0]
    assert parsed.format.value == "text" and parsed.speakers == ["Kari Nordmann", "Ola Hansen"]
