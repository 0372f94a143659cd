"""One file's bytes to a ParsedFile: detect, decode, parse, then title, date and statistics."""
from __future__ import annotations

from batch_core.ingest.decode import decode_bytes
from batch_core.ingest.detect import IngestFormat, is_legacy_office, sniff_container, sniff_text
from batch_core.ingest.docx_format import NOT_DOCX, parse_docx
from batch_core.ingest.errors import IngestError
from batch_core.ingest.limits import Limits, file_too_large
from batch_core.ingest.markdown import parse_markdown
from batch_core.ingest.report import ParsedFile
from batch_core.ingest.srt_format import parse_srt
from batch_core.ingest.text import normalise_newlines, parse_plain, split_metadata
from batch_core.ingest.titles import from_metadata, title_from_name
from batch_core.ingest.turns import duration_of, render_text, speakers_of, word_count
from batch_core.ingest.vtt import read_vtt

NOT_VTT = "not a WebVTT file (it does not start with WEBVTT)"
NOT_SRT = "not an SRT file (no numbered subtitles with timings found)"


def _parse_text_content(text: str, hint: IngestFormat):
    """(format, turns, title, date, warnings) for decoded text."""
    fmt = sniff_text(text, hint)
    if hint is IngestFormat.VTT and fmt not in (IngestFormat.VTT, IngestFormat.SRT):
        raise IngestError(NOT_VTT)
    if hint is IngestFormat.SRT and fmt not in (IngestFormat.VTT, IngestFormat.SRT):
        raise IngestError(NOT_SRT)
    if fmt is IngestFormat.VTT:
        turns, skipped = read_vtt(text)
        warnings = [f"{skipped} caption block(s) could not be read and were skipped "
                    "(the file may be cut short)"] if skipped else []
        return fmt, turns, None, None, warnings
    if fmt is IngestFormat.SRT:
        return fmt, parse_srt(text), None, None, []
    if fmt is IngestFormat.MARKDOWN:
        turns, title, date = parse_markdown(text)
        return fmt, turns, title, date, []
    header, _ = split_metadata(text.split("\n"))
    title, date = from_metadata(header)
    return fmt, parse_plain(text), title, date, []


def parse_file(name: str, leaf: str, data: bytes, hint: IngestFormat, limits: Limits) -> ParsedFile:
    """Parse one transcript file. `name` is shown to people; `leaf` (the file's own name) gives
    the fallback title. Raises IngestError with a plain reason."""
    if not data:
        raise IngestError("empty file (0 bytes)")
    if len(data) > limits.max_file_bytes:
        raise file_too_large(len(data), limits)
    encoding = None
    warnings: list[str] = []
    if sniff_container(data) is IngestFormat.DOCX:
        fmt = IngestFormat.DOCX
        turns, title, date = parse_docx(data, limits)
    elif hint is IngestFormat.DOCX:
        legacy = " — it is an old Word .doc; save it as .docx" if is_legacy_office(data) else ""
        raise IngestError(NOT_DOCX + legacy)
    else:
        text, encoding = decode_bytes(data)
        text = normalise_newlines(text)
        if not text.strip():
            raise IngestError("the file holds only blank space, no words")
        fmt, turns, title, date, warnings = _parse_text_content(text, hint)
    if not turns:
        raise IngestError("no transcript text found in the file")
    name_title, name_date = title_from_name(leaf)
    return ParsedFile(
        name=name, title=title or name_title, meeting_date=date or name_date, format=fmt,
        speakers=speakers_of(turns), duration_seconds=duration_of(turns),
        word_count=word_count(turns), turns=turns, text=render_text(turns),
        encoding=encoding, warnings=warnings,
    )
