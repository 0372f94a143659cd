"""Deny-list of speaker names for redaction: full names, their parts, and ASCII-folded spellings."""
from __future__ import annotations

import re
import unicodedata

# Name parts that are also ordinary English words: matched only when capitalised as written,
# so "we will" and "mark it done" survive while "Will" and "Mark" are redacted.
COMMON_WORD_NAMES = frozenset("""
will mark bill rose grace hope joy may june april august pat sue jack frank art bob dawn faith rob
ray sky summer amber ruby lily iris chase drew glen hunter max miles penny sandy wade young long
white brown green king black page park lee cook bishop baker carter fisher hill wood stone rich
love gay hale hall bell ash autumn angel eve ivy jade jewel sunny star august dean chance guy
mike nick sterling victor earnest ernest noble major price rivers banks field ford lane
""".split())
SHORT_PART = 3  # parts this short ("Li", "Bo", "Al") are matched case-sensitively too
# Role words in generic labels ("Speaker 2", "Interviewer") are not names: redacting every
# "customer" or "host" in the text would only damage it. The full label is still replaced.
ROLE_WORDS = frozenset("speaker participant interviewer interviewee host moderator guest unknown caller "
                       "agent customer user attendee presenter chair facilitator member".split())
_EXTRA_FOLDS = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "å": "a", "Å": "A", "ß": "ss", "ł": "l",
                "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "ð": "d"}
_GERMANIC_FOLDS = {"ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "ä": "ae", "Ä": "Ae", "ö": "oe", "Ö": "Oe",
                   "ü": "ue", "Ü": "Ue"}
_NAME_PART = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def ascii_fold(text: str) -> str:
    text = "".join(_EXTRA_FOLDS.get(ch, ch) for ch in text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def spelling_variants(name: str) -> set[str]:
    """'Bjørn Åsheim' -> itself, 'Bjorn Asheim', 'Bjoern Aasheim'."""
    germanic = "".join(_GERMANIC_FOLDS.get(ch, ch) for ch in name)
    return {v for v in (name, ascii_fold(name), ascii_fold(germanic)) if v.strip()}


def is_common_word_part(part: str) -> bool:
    return len(part) <= SHORT_PART or part.lower() in COMMON_WORD_NAMES


def name_terms(speaker: str) -> list[str]:
    """Full name and each part (in every spelling), longest first so full names win."""
    terms: set[str] = set()
    for variant in spelling_variants(speaker.strip()):
        full = " ".join(variant.split())
        if len(full) >= 2:  # a one-letter label ("A:") would redact every capital A
            terms.add(full)
        for part in _NAME_PART.findall(variant):
            if len(part) >= 2 and part.lower() not in ROLE_WORDS:
                terms.add(part)
    return sorted(terms, key=lambda t: (-len(t), t))


def build_name_map(speakers: list[str]) -> dict[str, str]:
    """Every term -> the speaker it names; a part shared by two speakers maps to '' (ambiguous)."""
    mapping: dict[str, str] = {}
    for speaker in speakers:
        for term in name_terms(speaker):
            key = term.lower()
            if key in mapping and mapping[key] != speaker:
                mapping[key] = ""
            else:
                mapping[key] = speaker
    return mapping
