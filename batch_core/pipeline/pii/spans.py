"""Found pieces of personal data, how overlapping finds are settled, and consistent placeholders.

Every detector (Presidio's recognizers, the national-id, phone and address patterns, the name
rules) reports `Span`s; `resolve` keeps one span per stretch of text, and `Placeholders` gives the
same value the same label everywhere in a meeting (`<PERSON_1>` is one person throughout), so the
redacted transcript and the insights written from it still read well.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Which kind wins where two finds overlap: structured identifiers (checksums, fixed shapes) are
# surer than a phone-shaped number, which is surer than a name guessed from a word list.
PRIORITY = {
    "EMAIL_ADDRESS": 90, "URL": 88, "IBAN_CODE": 86, "CREDIT_CARD": 85, "NATIONAL_ID": 84,
    "IP_ADDRESS": 80, "STREET_ADDRESS": 70, "PHONE_NUMBER": 60, "SPEAKER": 55, "PERSON": 50,
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str            # one of PRIORITY
    key: str = ""        # what makes two finds the same value (a person id, the digits of a number)

    @property
    def length(self) -> int:
        return self.end - self.start


def resolve(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans in text order: higher priority first, then the longer one."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (-PRIORITY.get(s.kind, 0), -s.length, s.start)):
        if span.length <= 0:
            continue
        if all(span.end <= kept.start or span.start >= kept.end for kept in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


_NON_ALNUM = re.compile(r"[\W_]+")


def value_key(text: str) -> str:
    """'+47 912 34 567' and '+4791234567' are one value."""
    return _NON_ALNUM.sub("", text).casefold()


@dataclass
class Placeholders:
    """Numbered labels per kind, stable within one meeting (title, transcript and all)."""
    speaker_labels: dict[str, str] = field(default_factory=dict)  # speaker key -> SPEAKER_n
    _numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    _next: dict[str, int] = field(default_factory=dict)
    _speakers_named: set[str] = field(default_factory=set)

    def label(self, span: Span, text: str) -> str:
        if span.kind == "SPEAKER":
            self._speakers_named.add(span.key)
            return self.speaker_labels[span.key]
        key = (span.kind, span.key or value_key(text))
        if key not in self._numbers:
            self._next[span.kind] = self._next.get(span.kind, 0) + 1
            self._numbers[key] = self._next[span.kind]
        return f"<{span.kind}_{self._numbers[key]}>"

    def distinct(self) -> dict[str, int]:
        """How many different values of each kind were replaced (people named in the text,
        speakers among them)."""
        found = dict(self._next)
        if self._speakers_named:
            found["PERSON"] = found.get("PERSON", 0) + len(self._speakers_named)
        return dict(sorted(found.items()))


def apply(text: str, spans: list[Span], placeholders: Placeholders) -> tuple[str, list[Span]]:
    """The text with each resolved span replaced by its placeholder, and the spans replaced."""
    kept = resolve(spans)
    parts, cursor = [], 0
    for span in kept:
        parts.append(text[cursor:span.start])
        parts.append(placeholders.label(span, text[span.start:span.end]))
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts), kept
