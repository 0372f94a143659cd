"""Sentence handling shared by the offline extractor's rules: splitting, deadlines, priorities."""
from __future__ import annotations

import re
from dataclasses import dataclass

from batch_core.models import Turn

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9<])")
_FILLER_START = re.compile(
    r"^(?:(?:ok(?:ay)?|so|right|well|alright|yeah|yes|and|also|um+|uh+|hm+|great|good|sure|cool|fine|perfect|thank you|thanks|then)"
    r"\b[,.!]?\s*)+", re.IGNORECASE)

_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri)"
_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
          r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)")
_DEADLINE_CORE = (
    rf"(?:(?:next|this|coming)\s+{_WEEKDAY}|{_WEEKDAY}(?:\s+morning|\s+afternoon|\s+evening|\s+noon)?"
    r"|tomorrow(?:\s+morning|\s+afternoon)?|tonight|today|eod|eow|cob"
    r"|(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:day|week|month|quarter|sprint|year|q[1-4])"
    r"|(?:next|this)\s+(?:week|month|sprint|quarter)"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}"
    r"|the\s+\d{1,2}(?:st|nd|rd|th)|\d{4}-\d{2}-\d{2}"
    r"|(?:the\s+)?(?:next|following)\s+(?:meeting|sync|standup|call|review)"
    r"|q[1-4]|mid-?(?:week|month)|\d{1,2}(?::\d{2})?\s*(?:am|pm)"
    r"|(?:after|before)\s+(?:the\s+|this\s+)?(?:meeting|lunch|call|break)|next\s+time"
    r"|in\s+(?:half an hour|an hour|\w+\s+(?:minutes|hours|days|weeks)))"
)
_DEADLINE = re.compile(
    rf"\b(?:(?:by|before|until|no later than|due|on|for|latest)\s+)?(?P<when>{_DEADLINE_CORE})\b",
    re.IGNORECASE)
_DEADLINE_WITH_PREPOSITION = re.compile(
    rf"\b(?:by|before|until|no later than|due|latest)\s+(?P<when>{_DEADLINE_CORE})\b", re.IGNORECASE)

_HIGH_PRIORITY = re.compile(
    r"\b(urgent(?:ly)?|asap|as soon as possible|critical|blocker|blocking|top priority|immediately"
    r"|today|tonight|tomorrow|eod|right away|highest priority|p0|p1)\b", re.IGNORECASE)
_LOW_PRIORITY = re.compile(
    r"\b(no rush|when you (?:get|have) a (?:chance|minute)|nice to have|low priority|eventually"
    r"|at some point|whenever|not urgent)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """One sentence of one turn, with its position so rules can look at neighbours."""
    turn_index: int
    speaker: str | None
    text: str


# Unpunctuated speech-to-text output can be one endless "sentence": rules look at windows instead.
MAX_SENTENCE_WORDS = 60


def split_sentences(turns: list[Turn]) -> list[Sentence]:
    sentences = []
    for index, turn in enumerate(turns):
        for piece in _SENTENCE_END.split(turn.text.strip()):
            words = piece.split()
            for start in range(0, len(words), MAX_SENTENCE_WORDS):
                sentences.append(Sentence(index, turn.speaker, " ".join(words[start:start + MAX_SENTENCE_WORDS])))
    return sentences


def strip_filler(text: str) -> str:
    """'Okay, so I'll send it' -> "I'll send it": fillers add nothing to an extracted item."""
    return _FILLER_START.sub("", text).strip()


def find_deadline(text: str) -> str | None:
    """Prefer an explicit 'by/before X'; else any date-like phrase."""
    match = _DEADLINE_WITH_PREPOSITION.search(text) or _DEADLINE.search(text)
    if not match:
        return None
    return " ".join(match.group(0).split())


def priority_of(text: str) -> str | None:
    """From urgency cues only; None when nothing says how urgent (no default that pretends)."""
    if _HIGH_PRIORITY.search(text):
        return "high"
    if _LOW_PRIORITY.search(text):
        return "low"
    return None


def clean_clause(text: str, limit: int = 200) -> str:
    text = text.strip().strip(",;:- ").rstrip(".!?")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text[:1].upper() + text[1:] if text else text


STOPWORDS = frozenset(
    "a an the and or but to of for in on at by with from as is are was were be been it its this that these those "
    "i you he she we they me him her us them my your our their so then just also will would can could "
    "should do does did have has had not no yes".split())


def word_set(text: str) -> set[str]:
    """Content words only, so 'the … for the senior role' does not make two tasks look alike."""
    return set(re.findall(r"[a-z0-9']+", text.lower())) - STOPWORDS
