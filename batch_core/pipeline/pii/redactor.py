"""One meeting's redactor: detectors run over a text, placeholders shared by the whole meeting.

redact.py runs it with Presidio's recognizers over a whole transcript; `redact_labels` runs it
at submit time over a sensitive meeting's title and file name with light patterns only, so
submitting stays fast and never imports Presidio.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from stdnum import luhn

from batch_core.pipeline.pii.identifiers import identifiers
from batch_core.pipeline.pii.names import NameFinder, mostly_lower_case
from batch_core.pipeline.pii.spans import Placeholders, Span, apply, value_key

_SEPARATORS = re.compile(r"[_./\\-]")
_WORD_START = re.compile(r"(?<![\w'’])[^\W\d_]")
_TITLE_CASE_SHARE = 0.6
_TITLE_MAX_WORDS = 15
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")


def light_patterns(text: str) -> list[Span]:
    """E-mail, URL, IBAN and card shapes for short labels (no Presidio)."""
    spans = [Span(m.start(), m.end(), "EMAIL_ADDRESS", value_key(m.group())) for m in _EMAIL.finditer(text)]
    spans += [Span(m.start(), m.end(), "URL", value_key(m.group())) for m in _URL.finditer(text)]
    spans += [Span(m.start(), m.end(), "IBAN_CODE", value_key(m.group())) for m in _IBAN.finditer(text)]
    spans += [Span(m.start(), m.end(), "CREDIT_CARD", value_key(m.group())) for m in _CARD.finditer(text)
              if luhn.is_valid(re.sub(r"\D", "", m.group()))]
    return spans


def _title_case(text: str) -> bool:
    """A heading ("Return To Work Review"), where capitals say nothing about names."""
    words = [w for w in text.split() if w[:1].isalpha()]
    return 2 <= len(words) <= _TITLE_MAX_WORDS and sum(w[:1].isupper() for w in words) / len(words) >= _TITLE_CASE_SHARE


class MeetingRedactor:
    """One meeting's placeholders and name knowledge, shared by its title and every utterance."""

    def __init__(self, speakers: list[str], texts: list[str],
                 patterns: Callable[[str], list[Span]]) -> None:
        self.placeholders = Placeholders(
            speaker_labels={name: f"SPEAKER_{i}" for i, name in enumerate(speakers, start=1)})
        self.counts: Counter[str] = Counter()
        self.names = NameFinder(speakers, lower_case=mostly_lower_case(texts))
        self._patterns = patterns

    def learn(self, position: int, text: str) -> None:
        self.names.learn(position, text, title_case=_title_case(text))

    def label(self, position: int, text: str, separators: bool = False) -> str:
        """A title or file name: its words are also read capitalised ("case review ingrid
        solberg"), since labels are often typed in lower case. Not counted. With `separators`
        (file names), `_ . - /` read as spaces; offsets stay those of `text`."""
        spoken = _SEPARATORS.sub(" ", text) if separators else text
        spoken = _WORD_START.sub(lambda m: m.group().upper() if len(m.group().upper()) == 1
                                 else m.group(), spoken)
        self.learn(position, spoken)
        spans = self._patterns(spoken) + identifiers(spoken) + self.names.spans(position, spoken)
        return apply(text, spans, self.placeholders)[0]

    def text(self, position: int, text: str, count: bool = True) -> str:
        spans = self._patterns(text) + identifiers(text) + self.names.spans(position, text)
        redacted, kept = apply(text, spans, self.placeholders)
        if count:
            self.counts.update("PERSON" if s.kind == "SPEAKER" else s.kind for s in kept)
        return redacted


def redact_source_name(name: str | None, redactor: MeetingRedactor, position: int) -> str | None:
    """A file name ("bundle.zip/hr_jonas_berg.vtt") read word by word as a label; separators,
    folders and the extension stay as they were."""
    if not name:
        return name
    return redactor.label(position, name, separators=True)


_SPEAKER_LINE = re.compile(r"^[ \t]*(?:\[[\d:.]+\][ \t]*)?([^\W\d_][^:\n<>]{0,60}?)[ \t]*:[ \t]", re.M)
_VOICE = re.compile(r"<v(?:\.[^\s>]+)?\s+([^>]{1,80})>")


def quick_speakers(transcript: str) -> list[str]:
    """Speaker names as the text labels them, read in one regex pass (for submit-time titles)."""
    names = [m.group(1).strip() for m in _VOICE.finditer(transcript)]
    names += [m.group(1).strip() for m in _SPEAKER_LINE.finditer(transcript)]
    return list(dict.fromkeys(n for n in names if n and len(n.split()) <= 5))


def redact_labels(title: str, source_name: str | None, transcript: str) -> tuple[str, str | None]:
    """Title and file name of a sensitive meeting, redacted before anything is stored.

    The meeting's own redaction (redact_turns) later writes its title again with the full
    transcript known; this one runs at submit time and needs only the speaker labels."""
    redactor = MeetingRedactor(quick_speakers(transcript), [title], light_patterns)
    return redactor.label(-1, title), redact_source_name(source_name, redactor, -2)
