"""Bytes to text: BOMs first, then strict UTF-8, then charset-normalizer for legacy code pages.

Binary data (random bytes, images, executables renamed .vtt) is refused, not decoded to mojibake.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from batch_core.ingest.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # checked before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Western-European exports are the common legacy case; charset-normalizer scores cp1250/cp1257
# equal to cp1252 on such text, and among equals we take cp1252.
_PREFERRED_LEGACY = "cp1252"
_MAX_CONTROL_SHARE = 0.01
NOT_TEXT = "not a text transcript: the file holds binary data"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name). Raises IngestError for binary data or undecodable text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom):].decode(encoding)), encoding
            except UnicodeDecodeError:
                raise IngestError(f"the file starts with a {encoding} byte-order mark but is not valid {encoding}") from None
    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    results = list(from_bytes(data))
    if not results:
        raise IngestError(NOT_TEXT)
    best = results[0]
    chosen = next((r for r in results if r.encoding == _PREFERRED_LEGACY and r.chaos <= best.chaos + 0.01), best)
    return _checked(str(chosen)), chosen.encoding


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")
_SAMPLE_CHARS = 200_000


def _checked(text: str) -> str:
    """The text, unless control, private-use or unassigned characters show it is really binary."""
    sample = text[:_SAMPLE_CHARS]
    if not sample:
        return text
    if "\x00" in sample:
        raise IngestError(NOT_TEXT)
    odd = len(_CONTROLS.findall(sample))
    if not sample.isascii():  # unassigned code points: rare in text, common in decoded noise
        odd += sum(1 for ch in sample[:20_000] if ord(ch) > 0x9F and unicodedata.category(ch) == "Cn")
    if odd > _MAX_CONTROL_SHARE * len(sample):
        raise IngestError(NOT_TEXT)
    return text
