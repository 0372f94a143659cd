"""Hostile single files: each gets an exact outcome, and the good file beside it still parses."""
from __future__ import annotations

import random

import pytest

from batch_core.ingest import load_files
from tests.ingest.helpers import GOOD_TEXT, fixture_bytes

TEAMS = "2025-02-18_Q3-planning-review.vtt"
GOOD = ("good.txt", GOOD_TEXT.encode())
WORDS = "Zoë: Le café est prêt – “naïve” señor Ünal.\nBjörn: Très bien, à demain!\n"


def _with_good(name: str, data: bytes):
    report = load_files([(name, data), GOOD])
    assert [p.name for p in report.parsed if p.name == "good.txt"] == ["good.txt"]
    assert report.parsed[-1].speakers == ["Alice", "Bob"]
    return report


def _error_of(name: str, data: bytes) -> str:
    report = _with_good(name, data)
    assert [p.name for p in report.parsed] == ["good.txt"]
    assert [e.name for e in report.errors] == [name]
    return report.errors[0].reason


def test_empty_file():
    assert _error_of("empty.vtt", b"") == "empty file (0 bytes)"


def test_blank_file():
    assert _error_of("blank.txt", b" \n\r\n\t ") == "the file holds only blank space, no words"


def test_random_bytes_named_vtt():
    noise = random.Random(7).randbytes(4096)
    assert _error_of("meeting.vtt", noise) == "not a text transcript: the file holds binary data"


def test_png_named_txt():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(8).randbytes(300)
    assert _error_of("notes.txt", png) == "not a text transcript: the file holds binary data"


def test_text_named_vtt_is_not_webvtt():
    assert _error_of("standup.vtt", GOOD_TEXT.encode()) == "not a WebVTT file (it does not start with WEBVTT)"


def test_text_named_srt_is_not_srt():
    assert _error_of("standup.srt", GOOD_TEXT.encode()) == \
        "not an SRT file (no numbered subtitles with timings found)"


def test_srt_content_named_vtt_is_read_by_content():
    report = _with_good("design.vtt", fixture_bytes("2025-03-04_design-sync.srt"))
    assert report.parsed[0].format == "srt" and report.parsed[0].speakers == ["Maria Garcia", "Tom Becker"]


def test_text_named_docx_and_zip():
    report = load_files([("a.docx", GOOD_TEXT.encode()), ("b.zip", GOOD_TEXT.encode()), GOOD])
    assert [(e.name, e.reason) for e in report.errors] == [
        ("a.docx", "not a readable Word .docx document (corrupt, or another kind of file)"),
        ("b.zip", "not a readable ZIP archive (corrupt or truncated)"),
    ]
    assert [p.name for p in report.parsed] == ["good.txt"]


def test_unsupported_extension():
    assert _error_of("slides.pptx", b"PKnot really").startswith("unsupported file type .pptx (supported: .docx, .json, .markdown")


@pytest.mark.parametrize("encoding, expected_encoding", [
    ("utf-16", "utf-16-le"),        # Python writes a little-endian BOM
    ("utf-16-be-bom", "utf-16-be"),
    ("utf-8-sig", "utf-8"),
    ("cp1252", "cp1252"),
])
def test_encodings(encoding, expected_encoding):
    data = b"\xfe\xff" + WORDS.encode("utf-16-be") if encoding == "utf-16-be-bom" else WORDS.encode(encoding)
    report = _with_good("french.txt", data)
    parsed = report.parsed[0]
    assert parsed.encoding == expected_encoding
    assert [(t.speaker, t.text) for t in parsed.turns] == [
        ("Zoë", "Le café est prêt – “naïve” señor Ünal."), ("Björn", "Très bien, à demain!")]


def test_utf16_webvtt():
    report = _with_good("teams.vtt", fixture_bytes(TEAMS).decode().encode("utf-16"))
    assert report.parsed[0].speakers == ["Alice Smith", "Bob Jones", "Carol Nguyen"]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
@pytest.mark.parametrize("fixture", [TEAMS, "2025-03-04_design-sync.srt", "otter_customer_call_2025-01-30.txt",
                                     "hiring_sync.md"])
def test_crlf_and_cr_line_ends(newline, fixture):
    original = fixture_bytes(fixture).decode()
    report = _with_good(fixture, original.replace("\n", newline).encode())
    expected = load_files([(fixture, original.encode())]).parsed[0]
    assert report.parsed[0].format == expected.format and report.parsed[0].title == expected.title
    assert report.parsed[0].turns == expected.turns and report.parsed[0].text == expected.text


def test_vtt_cut_inside_a_timing_line():
    text = fixture_bytes(TEAMS).decode()
    cut = text[: text.index("00:00:29.400 --> 00:00:3") + len("00:00:29.400 --> 00:00:3")]
    report = _with_good("cut.vtt", cut.encode())
    parsed = report.parsed[0]
    assert len(parsed.turns) == 4 and parsed.turns[-1].text == "Great, then the launch stays on the fifteenth of May."
    assert parsed.warnings == ["1 caption block(s) could not be read and were skipped (the file may be cut short)"]


def test_vtt_cut_inside_a_payload():
    text = fixture_bytes(TEAMS).decode()
    cut = text[: text.index("Sounds good") + len("Sounds go")]
    parsed = _with_good("cut.vtt", cut.encode()).parsed[0]
    assert parsed.turns[-1].text == "Sounds go" and parsed.warnings == []


def test_vtt_header_only():
    assert _error_of("nothing.vtt", b"WEBVTT\n\n") == "WebVTT file has no captions"


def test_fifteen_megabyte_file():
    line = b"Alice: " + b"word " * 20 + b"\n"
    big = line * (15 * 1024 * 1024 // len(line) + 1)
    assert _error_of("huge.txt", big) == "file too large: 15.0 MB; the limit is 10 MB per file (INGEST_MAX_FILE_MB)"


def test_file_limit_is_configurable(ingest_limits):
    ingest_limits(INGEST_MAX_FILE_MB="0.001")
    assert _error_of("retro.txt", fixture_bytes("retro_notes.txt") * 20) == \
        "file too large: 4 KB; the limit is 0.001 MB per file (INGEST_MAX_FILE_MB)"


def test_script_tag_name_is_kept_as_text():
    name = "<script>alert('x')</script>.txt"
    report = _with_good(name, GOOD_TEXT.encode())
    assert report.parsed[0].name == name
    assert report.parsed[0].title == "<script>alert('x')</script>"
    assert report.model_dump(mode="json")["parsed"][0]["name"] == name


def test_control_characters_in_a_name_are_dropped():
    report = _with_good("evil\x1b[31m\u202ename.txt", GOOD_TEXT.encode())
    assert report.parsed[0].name == "evil[31mname.txt"


def test_hidden_upload_names_are_ignored():
    report = load_files([("._meeting.vtt", b"\x00\x05\x16\x07"), (".DS_Store", b"Bud1"), GOOD])
    assert [(i.name, i.reason) for i in report.ignored] == [("._meeting.vtt", "hidden file"), (".DS_Store", "hidden file")]
    assert [p.name for p in report.parsed] == ["good.txt"] and report.errors == []


def test_an_unexpected_parser_failure_is_contained(monkeypatch):
    import batch_core.ingest.files as files

    def explode(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(files, "parse_srt", explode)
    assert _error_of("design.srt", fixture_bytes("2025-03-04_design-sync.srt")) == \
        "could not be parsed (RuntimeError: boom)"
