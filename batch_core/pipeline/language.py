"""The language a meeting is held in, detected offline (py3langid: 97 languages, no download).

Used three ways: stored on the record, named in the provider prompt so insights come back in the
meeting's language, and to decide whether VADER (English only) can score sentiment at all.
"""
from __future__ import annotations

import threading
from typing import Iterable

from batch_core.models import Turn

SAMPLE_CHARS = 20_000
MIN_CONFIDENCE = 0.6
MIN_CHARS = 40
# ISO 639-1 codes py3langid returns -> the name a prompt uses. Danish and Norwegian are close
# cousins; py3langid reports Bokmål as "no" (and Nynorsk as "nn").
NAMES = {
    "en": "English", "no": "Norwegian (Bokmål)", "nb": "Norwegian (Bokmål)", "nn": "Norwegian (Nynorsk)",
    "sv": "Swedish", "da": "Danish", "fi": "Finnish", "is": "Icelandic", "de": "German", "fr": "French",
    "es": "Spanish", "it": "Italian", "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "se": "Northern Sami",
    "et": "Estonian", "lt": "Lithuanian", "lv": "Latvian", "ru": "Russian", "uk": "Ukrainian",
}

_lock = threading.Lock()
_identifier = None


def _model():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier  # numpy model: load once, on first use
            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def detect_language(turns: Iterable[Turn]) -> str | None:
    """ISO 639-1 code of the meeting's language, or None when the text is too short or unclear."""
    sample, size = [], 0
    for turn in turns:
        sample.append(turn.text)
        size += len(turn.text) + 1
        if size >= SAMPLE_CHARS:
            break
    text = " ".join(sample)
    if len(text.strip()) < MIN_CHARS:
        return None
    code, confidence = _model().classify(text)
    return str(code) if confidence >= MIN_CONFIDENCE else None


def language_name(code: str | None) -> str:
    if not code:
        return "unknown"
    return NAMES.get(code, code)
