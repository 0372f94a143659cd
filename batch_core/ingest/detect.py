"""Which parser reads a file: decided from the content, with the extension as a hint.

- Bytes starting `PK\\x03\\x04` (or an empty archive's `PK\\x05\\x06`) are a ZIP container; one
  holding `word/document.xml` is a Word .docx, anything else an archive.
- Bytes starting `%PDF-` are a PDF.
- Text starting `WEBVTT` is WebVTT; text whose first block is `1` + `00:00:01,000 --> ...` is SRT;
  text starting `{`/`[` is JSON (its keys then name the tool, ingest/speech_json/); a first line
  `0:00:01.000,0:00:03.500` is YouTube SBV; a `start<TAB>end<TAB>text` header is Whisper TSV.
  Content beats the extension: a .txt holding WebVTT is read as WebVTT.
- Otherwise the extension decides between Markdown (.md, or text opening with `---` front matter)
  and plain text; a .vtt/.srt/.docx/.zip whose content is not that format is refused by name
  ("not a WebVTT file ...") instead of being read as something else.
"""
from __future__ import annotations

import io
import zipfile
from enum import Enum

from batch_core.ingest.sbv import looks_like_sbv
from batch_core.ingest.speech_json import looks_like_json
from batch_core.ingest.text import looks_like_srt, looks_like_vtt
from batch_core.ingest.tsv_format import looks_like_whisper_tsv


class IngestFormat(str, Enum):
    VTT = "vtt"            # WebVTT captions (Teams, Stream, Zoom, plain)
    SRT = "srt"            # SubRip captions
    TEXT = "text"          # plain-text transcript or prose
    MARKDOWN = "markdown"  # Markdown, optional YAML front matter
    DOCX = "docx"          # Word document (Teams transcript export, Google Meet as .docx)
    JSON = "json"          # speech-to-text JSON (Whisper, WhisperX, AssemblyAI, Deepgram, AWS, Fireflies)
    SBV = "sbv"            # YouTube captions
    TSV = "tsv"            # Whisper's tab-separated output
    PDF = "pdf"            # text PDF (minutes, transcripts)
    ZIP = "zip"            # archive of any of the above


EXTENSIONS: dict[str, IngestFormat] = {
    ".vtt": IngestFormat.VTT,
    ".webvtt": IngestFormat.VTT,
    ".srt": IngestFormat.SRT,
    ".txt": IngestFormat.TEXT,
    ".text": IngestFormat.TEXT,
    "": IngestFormat.TEXT,
    ".md": IngestFormat.MARKDOWN,
    ".markdown": IngestFormat.MARKDOWN,
    ".docx": IngestFormat.DOCX,
    ".json": IngestFormat.JSON,
    ".sbv": IngestFormat.SBV,
    ".tsv": IngestFormat.TSV,
    ".pdf": IngestFormat.PDF,
    ".zip": IngestFormat.ZIP,
}
SUPPORTED = ", ".join(sorted({ext for ext in EXTENSIONS if ext}))
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls


def extension_of(name: str) -> str:
    """`.vtt` for `a/b.VTT`; `` when the last path part has no extension."""
    leaf = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = leaf.rpartition(".")
    if not dot or not stem or len(ext) > 10 or not ext.isalnum():
        return ""
    return "." + ext.lower()


def hinted_format(name: str) -> IngestFormat | None:
    """The format the extension suggests, or None for an unsupported extension."""
    return EXTENSIONS.get(extension_of(name))


def is_legacy_office(data: bytes) -> bool:
    return data.startswith(_OLE_MAGIC)


def sniff_container(data: bytes) -> IngestFormat | None:
    """DOCX or ZIP for ZIP-container bytes, None for anything else."""
    if not data.startswith(_ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return IngestFormat.ZIP  # the archive reader reports the damage
    return IngestFormat.DOCX if "word/document.xml" in names else IngestFormat.ZIP


def sniff_text(text: str, hint: IngestFormat) -> IngestFormat:
    """The text format of decoded content, using the hint only to split Markdown from text."""
    if looks_like_vtt(text):
        return IngestFormat.VTT
    if looks_like_srt(text):
        return IngestFormat.SRT
    if looks_like_json(text):
        return IngestFormat.JSON
    if looks_like_sbv(text):
        return IngestFormat.SBV
    if looks_like_whisper_tsv(text):
        return IngestFormat.TSV
    if hint is IngestFormat.MARKDOWN or text.lstrip("\ufeff").startswith("---\n"):
        return IngestFormat.MARKDOWN
    return IngestFormat.TEXT
