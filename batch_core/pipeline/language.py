"""The language a meeting is held in, detected offline (py3langid: 97 languages, no download).

Used three ways: stored on the record, named in the provider prompt so insights come back in the
meeting's language, and to decide whether VADER (English only) can score sentiment at all.
"""
from __future__ import annotations

import re
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

# Plain English is told from its commonest words without the model (which takes ~0.6 s of CPU to
# load, the largest part of a new process's first meeting). Words of the Nordic languages, German
# and Dutch that look like English ones are checked too, so only unmistakable English is answered
# here; anything else goes to py3langid.
_ENGLISH = frozenset("the and to of a in that is it you we i for this on with be have are was "
                     "not but so what they at do can will about just if there our from".split())
_LOOKALIKES = frozenset("og det er ikke jeg vi på som å en til har med att och inte är jag för "
                        "den ja nei og af ikke und ist nicht wir das het niet een van".split())
_WORD = re.compile(r"[^\W\d_]+")


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
    if _plainly_english(text):
        return "en"
    code, confidence = _model().classify(text)
    return str(code) if confidence >= MIN_CONFIDENCE else None


def _plainly_english(text: str) -> bool:
    words = _WORD.findall(text.casefold())
    if len(words) < 50:
        return False
    english = sum(w in _ENGLISH for w in words) / len(words)
    lookalike = sum(w in _LOOKALIKES for w in words) / len(words)
    return english >= 0.25 and lookalike <= 0.01


def language_name(code: str | None) -> str:
    if not code:
        return "unknown"
    return NAMES.get(code, code)
