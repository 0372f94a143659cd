"""One file's bytes to a ParsedFile: detect, decode, parse, then title, date and statistics."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from batch_core.ingest.decode import decode_bytes
from batch_core.ingest.detect import IngestFormat, is_legacy_office, sniff_container, sniff_text
from batch_core.ingest.docx_format import NOT_DOCX, parse_docx
from batch_core.ingest.errors import IngestError
from batch_core.ingest.limits import Limits, file_too_large
from batch_core.ingest.markdown import parse_markdown
from batch_core.ingest.pdf_format import is_pdf, pdf_text
from batch_core.ingest.sbv import parse_sbv
from batch_core.ingest.speech_json import parse_json_transcript
from batch_core.ingest.tsv_format import parse_whisper_tsv
from batch_core.ingest.report import ParsedFile
from batch_core.ingest.srt_format import parse_srt
from batch_core.ingest.text import normalise_newlines, parse_plain, split_metadata
from batch_core.ingest.titles import from_metadata, title_from_name
from batch_core.ingest.turns import duration_of, render_text, speakers_of, word_count
from batch_core.ingest.vtt import read_vtt

NOT_VTT = "not a WebVTT file (it does not start with WEBVTT)"
NOT_SRT = "not an SRT file (no numbered subtitles with timings found)"
NOT_JSON = "not a JSON file (it does not start with { or [)"
NOT_PDF = "not a PDF file (it does not start with %PDF-)"
CHAT_LOG = ("a Zoom chat log (\"From … to Everyone\" messages), not a transcript: export the meeting's "
            "transcript (.vtt or .txt) instead")
_MEET_HEADING = re.compile(r"^(?P<title>[^\n]{1,150}?)[ \t]{0,3}(?:\((?P<date>\d{4}-\d{2}-\d{2})[^)]{0,40}\))?"
                           r"[ \t]{0,3}[-–—][ \t]{0,3}Transcript$")
_CHAT_LINE = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?\s+From\s+.+?\s+to\s+.+?\s*:", re.M)


@dataclass
class _Read:
    format: IngestFormat
    turns: list
    title: str | None = None
    date: str | None = None
    warnings: list[str] = field(default_factory=list)
    language: str | None = None
    tool: str | None = None


def is_chat_log(text: str) -> bool:
    """A saved Zoom chat: most timed lines are `10:01:22 From X to Everyone:`."""
    chats = len(_CHAT_LINE.findall(text[:200_000]))
    return chats >= 2 and chats * 2 >= sum(1 for line in text[:200_000].split("\n") if line[:1].isdigit())


def _meet_heading(text: str) -> tuple[str, str | None, str | None]:
    """Google Meet's Doc opens with `Meeting name (2025-05-01 10:00 GMT+2) - Transcript`:
    (text without it, title, ISO date)."""
    first, _, rest = text.lstrip().partition("\n")
    match = _MEET_HEADING.match(first.strip()) if len(first) <= 300 else None
    if not match:
        return text, None, None
    date = match.group("date")
    return rest, match.group("title").strip(), date


def _parse_plain_text(text: str, fmt: IngestFormat) -> _Read:
    if is_chat_log(text):
        raise IngestError(CHAT_LOG)
    text, meet_title, meet_date = _meet_heading(text)
    header, _ = split_metadata(text.split("\n"))
    title, date = from_metadata(header)
    return _Read(fmt, parse_plain(text), title or meet_title, date or meet_date)


def _parse_text_content(text: str, hint: IngestFormat) -> _Read:
    fmt = sniff_text(text, hint)
    if hint is IngestFormat.VTT and fmt not in (IngestFormat.VTT, IngestFormat.SRT):
        raise IngestError(NOT_VTT)
    if hint is IngestFormat.SRT and fmt not in (IngestFormat.VTT, IngestFormat.SRT):
        raise IngestError(NOT_SRT)
    if hint is IngestFormat.JSON and fmt is not IngestFormat.JSON:
        raise IngestError(NOT_JSON)
    if fmt is IngestFormat.VTT:
        turns, skipped = read_vtt(text)
        warnings = [f"{skipped} caption block(s) could not be read and were skipped "
                    "(the file may be cut short)"] if skipped else []
        return _Read(fmt, turns, warnings=warnings)
    if fmt is IngestFormat.SRT:
        return _Read(fmt, parse_srt(text))
    if fmt is IngestFormat.JSON:
        found = parse_json_transcript(text)
        return _Read(fmt, found.turns, found.title, found.date, found.warnings, found.language, found.tool)
    if fmt is IngestFormat.SBV:
        return _Read(fmt, parse_sbv(text))
    if fmt is IngestFormat.TSV:
        return _Read(fmt, parse_whisper_tsv(text), tool="Whisper")
    if fmt is IngestFormat.MARKDOWN:
        turns, title, date = parse_markdown(text)
        return _Read(fmt, turns, title, date)
    return _parse_plain_text(text, fmt)


def parse_file(name: str, leaf: str, data: bytes, hint: IngestFormat, limits: Limits) -> ParsedFile:
    """Parse one transcript file. `name` is shown to people; `leaf` (the file's own name) gives
    the fallback title. Raises IngestError with a plain reason."""
    if not data:
        raise IngestError("empty file (0 bytes)")
    if len(data) > limits.max_file_bytes:
        raise file_too_large(len(data), limits)
    encoding = None
    if sniff_container(data) is IngestFormat.DOCX:
        read = _Read(IngestFormat.DOCX, *parse_docx(data, limits))
    elif hint is IngestFormat.DOCX:
        legacy = " — it is an old Word .doc; save it as .docx" if is_legacy_office(data) else ""
        raise IngestError(NOT_DOCX + legacy)
    elif is_pdf(data):
        text, pdf_title = pdf_text(data, limits)
        read = _parse_plain_text(normalise_newlines(text), IngestFormat.PDF)
        read.title = read.title or pdf_title
    elif hint is IngestFormat.PDF:
        raise IngestError(NOT_PDF)
    else:
        text, encoding = decode_bytes(data)
        text = normalise_newlines(text)
        if not text.strip():
            raise IngestError("the file holds only blank space, no words")
        read = _parse_text_content(text, hint)
    fmt, turns, title, date, warnings = read.format, read.turns, read.title, read.date, read.warnings
    if not turns:
        raise IngestError("no transcript text found in the file")
    name_title, name_date = title_from_name(leaf)
    return ParsedFile(
        name=name, title=title or name_title, meeting_date=date or name_date, format=fmt,
        speakers=speakers_of(turns), duration_seconds=duration_of(turns),
        word_count=word_count(turns), turns=turns, text=render_text(turns),
        encoding=encoding, warnings=warnings, language=read.language, source_tool=read.tool,
    )
