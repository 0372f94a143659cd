"""PDF minutes and transcripts: the text layer through pypdf, then read like a text transcript.

A scanned PDF has no text layer and is refused in plain words (no OCR here). Limits against
hostile files: the page count, the text kept per document (the per-file cap), and pypdf's own
caps on decompressed stream sizes; an encrypted PDF is refused, never cracked.
"""
from __future__ import annotations

import io
import logging

from batch_core.ingest.errors import IngestError
from batch_core.ingest.limits import Limits

MAX_PAGES = 500
PDF_MAGIC = b"%PDF-"
logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings quote document internals


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(PDF_MAGIC)


def pdf_text(data: bytes, limits: Limits) -> tuple[str, str | None]:
    """(text of every page, title from the document info), or IngestError."""
    from pypdf import PdfReader  # only PDF uploads pay for the import
    from pypdf.errors import PdfReadError  # only PDF uploads pay for the import
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError("a password-protected PDF; save an unprotected copy or export the transcript as text")
        if len(reader.pages) > MAX_PAGES:
            raise IngestError(f"a PDF of {len(reader.pages)} pages; at most {MAX_PAGES} are read")
        texts, size = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            size += len(text)
            if size > limits.max_file_bytes:
                raise IngestError("the PDF's text is larger than the per-file limit (INGEST_MAX_FILE_MB)")
            texts.append(text)
        title = reader.metadata.title if reader.metadata and reader.metadata.title else None
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"a broken PDF ({type(exc).__name__}): it could not be read") from None
    text = "\n".join(texts)
    if not text.strip():
        raise IngestError("a scanned PDF (pages are images, no text layer): run OCR on it or export "
                          "the transcript as text")
    return text, str(title).strip() or None if title else None
