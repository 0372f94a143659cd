"""Teams-like .docx exports generated with python-docx, and hostile Word files."""
from __future__ import annotations

import io
import zipfile

import docx

from batch_core.ingest import load_files, parse_text
from tests.ingest.helpers import GOOD_TEXT

GOOD = ("good.txt", GOOD_TEXT.encode())


def _teams_docx(core_title: str = "", header: str = "") -> bytes:
    document = docx.Document()
    document.core_properties.title = core_title
    if header:
        document.sections[0].header.paragraphs[0].text = header
    for line in ["Q3 Budget Review", "February 18, 2025, 10:02AM", "45m 12s", "",
                 "Alice Smith   0:03", "Good morning, let's look at the budget.",
                 "Bob Jones   0:41", "Marketing is under plan by ten percent.",
                 "Bob Jones   0:52", "We can move that to hiring.",
                 "Alice Smith   1:15", "Agreed, let's do that."]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_teams_docx_export():
    report = load_files([("Recording 1.docx", _teams_docx()), GOOD])
    assert report.errors == []
    parsed = report.parsed[0]
    assert (parsed.format.value, parsed.title, parsed.meeting_date) == ("docx", "Q3 Budget Review", "2025-02-18")
    assert parsed.speakers == ["Alice Smith", "Bob Jones"]
    assert [(t.speaker, t.start) for t in parsed.turns] == [("Alice Smith", 3), ("Bob Jones", 41), ("Alice Smith", 75)]
    assert parsed.turns[1].text == "Marketing is under plan by ten percent. We can move that to hiring."
    assert parsed.encoding is None and parsed.duration_seconds == 72
    assert [(t.speaker, t.text, t.start) for t in parse_text(parsed.text)] == \
           [(t.speaker, t.text, t.start) for t in parsed.turns]


def test_docx_core_title_wins_then_header():
    assert load_files([("a.docx", _teams_docx(core_title="Budget (final)"))]).parsed[0].title == "Budget (final)"
    assert load_files([("a.docx", _teams_docx(header="Finance weekly"))]).parsed[0].title == "Finance weekly"


def test_legacy_doc_named_docx():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    report = load_files([("old.docx", ole), GOOD])
    assert [(e.name, e.reason) for e in report.errors] == [(
        "old.docx", "not a readable Word .docx document (corrupt, or another kind of file)"
                    " — it is an old Word .doc; save it as .docx")]


def _bomb_docx() -> bytes:
    """A real Teams docx plus 50 MB of zeros that compress to almost nothing."""
    source = zipfile.ZipFile(io.BytesIO(_teams_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            bomb.writestr(info, source.read(info))
        bomb.writestr("word/media/padding.bin", bytes(50 * 1024 * 1024))
    return buffer.getvalue()


def test_docx_with_a_bomb_part_is_refused_from_its_headers():
    report = load_files([("bomb.docx", _bomb_docx()), GOOD])
    assert [e.name for e in report.errors] == ["bomb.docx"]
    assert report.errors[0].reason.startswith("Word document too large: 50.8 MB uncompressed")
    assert [p.name for p in report.parsed] == ["good.txt"]


def test_docx_bomb_under_the_file_cap_is_refused_by_its_ratio(monkeypatch):
    from batch_core import config
    monkeypatch.setenv("INGEST_MAX_FILE_MB", "60")
    config.reload_settings()
    report = load_files([("bomb.docx", _bomb_docx())])
    assert report.errors[0].reason.startswith("refused as a likely zip bomb")


def test_what_word_files_inflate_to_is_charged_to_the_upload_budget(monkeypatch):
    from batch_core import config
    from batch_core.ingest.docx_format import inflated_size
    one = _teams_docx()
    size = inflated_size(one)
    assert size > len(one)  # the package is compressed
    # A total budget for two and a half documents: the third one is refused, the rest parse.
    monkeypatch.setenv("INGEST_MAX_TOTAL_MB", str(size * 2.5 / (1024 * 1024)))
    config.reload_settings()
    report = load_files([("a.docx", one), ("b.docx", one), ("c.docx", one), GOOD])
    assert [p.name for p in report.parsed] == ["a.docx", "b.docx", "good.txt"]
    assert [e.name for e in report.errors] == ["c.docx"]
    assert "INGEST_MAX_TOTAL_MB" in report.errors[0].reason


def test_docx_without_document_part():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    report = load_files([("broken.docx", data.getvalue()), GOOD])
    assert [(e.name, e.reason) for e in report.errors] == [
        ("broken.docx", "not a readable Word .docx document (corrupt, or another kind of file)")]
