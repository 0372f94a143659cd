"""Word .docx transcripts (Teams exports: `Name   0:03` paragraphs, the words below) via python-docx."""
from __future__ import annotations

import io
import re
import zipfile

from batch_core.models import Turn
from batch_core.ingest.errors import IngestError
from batch_core.ingest.limits import RATIO_FLOOR_BYTES, Limits, megabytes, zip_bomb
from batch_core.ingest.text import parse_plain, starts_turn
from batch_core.ingest.titles import clean_title, normalise_date

_DURATION = re.compile(r"^(?:\d+\s*[hms]\s*)+$", re.I)
_NOT_TITLES = {"transcript", "meeting transcript"}
NOT_DOCX = "not a readable Word .docx document (corrupt, or another kind of file)"


def _guard_package(data: bytes, limits: Limits) -> None:
    """python-docx inflates every part in memory, so refuse bombs from the headers first.

    zipfile never returns more bytes than a member's header declares, so headers bound the work.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise IngestError(NOT_DOCX) from None
    if any(info.flag_bits & 0x1 for info in infos):
        raise IngestError("the Word document is password-protected; save an unprotected copy")
    total = sum(info.file_size for info in infos)
    # python-docx holds every part inflated, and lxml parses the XML ones several times over:
    # the per-file cap applies to what the document becomes, not to its compressed size.
    if total > limits.max_file_bytes:
        raise IngestError(f"Word document too large: {megabytes(total)} uncompressed; the limit is "
                          f"{limits.max_file_mb:g} MB per file (INGEST_MAX_FILE_MB)")
    for info in infos:
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise zip_bomb(info.file_size / max(info.compress_size, 1), limits)


def inflated_size(data: bytes) -> int:
    """Bytes the package's parts declare uncompressed (0 when it is no readable ZIP)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return 0


def _paragraphs(document) -> list[str]:
    return [p.text.strip() for p in document.paragraphs]


def _header_title(document) -> str | None:
    for section in document.sections[:1]:
        for paragraph in section.header.paragraphs:
            if (title := clean_title(paragraph.text)):
                return title
    return None


def parse_docx(data: bytes, limits: Limits) -> tuple[list[Turn], str | None, str | None]:
    """(turns, title, meeting_date) of a .docx transcript."""
    _guard_package(data, limits)
    # python-docx and lxml take ~0.1 s to import: only when a .docx is read
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise IngestError(NOT_DOCX) from exc
    except Exception as exc:  # lxml raises its own syntax errors for broken XML parts
        raise IngestError(f"{NOT_DOCX}: {type(exc).__name__}") from exc
    lines = _paragraphs(document)
    first_turn = next((i for i, line in enumerate(lines) if line and starts_turn(line)), len(lines))
    preamble = [line for line in lines[:first_turn] if line]
    title = clean_title(document.core_properties.title) or _header_title(document)
    date = None
    for line in preamble:
        if date is None and (found := normalise_date(line)):
            date = found
        elif not title and not _DURATION.match(line) and line.lower() not in _NOT_TITLES:
            title = clean_title(line)
    return parse_plain("\n".join(lines[first_turn:])), title, date
