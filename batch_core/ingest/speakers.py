"""Recognising speaker labels: `Name: text` prefixes and bare `Name` header lines."""
from __future__ import annotations

import re

MAX_NAME_WORDS = 6
MAX_NAME_CHARS = 60
MAX_ROLE_CHARS = 110  # "(Minister of Public Safety and Emergency Preparedness)"

# A label starts with a letter and holds no colon; the text after `: ` may be empty.
_PREFIX = re.compile(r"^(?P<name>[^\W\d_][^:\n]{0,180}?)\s*:(?:\s+(?P<text>.*)|\s*)$")
# Formal transcripts add a role or constituency: "Hon. Bill Blair (Minister of …)". The
# parenthesis is part of the label, kept whole, and does not count toward the name's limits.
_ROLE = re.compile(r"\s*\((?P<role>[^()]{1,%d})\)$" % MAX_ROLE_CHARS)
# Sentence punctuation and URL-ish characters never appear in a person's label.
_NOT_IN_NAMES = re.compile(r"[?!;\"“”<>\[\]{}=*/\\|]")
_LABEL_JUNK = re.compile(r"[^\w .'’()&@#,-]")


def plausible_name(name: str) -> bool:
    """True when `name` could be a speaker label (short, no sentence punctuation)."""
    name = name.strip()
    role = _ROLE.search(name)
    if role:
        if _NOT_IN_NAMES.search(role.group("role")):
            return False
        name = name[:role.start()].strip()
    if not name or len(name) > MAX_NAME_CHARS or not name[0].isalpha():
        return False
    if len(name.split()) > MAX_NAME_WORDS or _NOT_IN_NAMES.search(name):
        return False
    if "," in name:
        # Only directory-style "Smith, John"; a comma otherwise means a sentence.
        parts = name.split(",")
        return len(parts) == 2 and all(p.strip() and looks_capitalised(p.strip()) for p in parts)
    return not name.endswith(".") or len(name.split()) > 1


def looks_capitalised(name: str) -> bool:
    """`Alice Smith`, `Speaker 1`, `van der Berg Anna`: most words start upper-case or are digits."""
    words = name.split()
    strong = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return bool(words) and words[0][0].isupper() and strong * 2 > len(words)


def split_prefix(line: str) -> tuple[str, str] | None:
    """(`name`, `text`) for `Name: text` (text may be empty), else None."""
    match = _PREFIX.match(line)
    if not match:
        return None
    name = " ".join(match.group("name").split())
    text = (match.group("text") or "").strip()
    if text.startswith("//") or not plausible_name(name):
        return None
    # A label with nothing after it stands alone on its line; require it to look like a name
    # so that prose such as "The plan is as follows:" is not taken for a speaker.
    if not text and not looks_capitalised(name):
        return None
    return name, text


def safe_label(name: str) -> str | None:
    """A speaker name from a voice tag, made readable back by split_prefix after rendering.

    `Smith, John` and `alice@example.com` pass as they are; `3CX Bridge` becomes
    `Speaker 3CX Bridge` and stray symbols become spaces, so a rendered `Name: text` line
    always parses back to the same speaker.
    """
    name = " ".join(name.split()).strip(" :")
    if not name:
        return None
    if split_prefix(f"{name}: x") == (name, "x"):
        return name
    role = _ROLE.search(name)
    base = name[:role.start()] if role else name
    cleaned = " ".join(_LABEL_JUNK.sub(" ", base).replace(",", " ").split()[:MAX_NAME_WORDS - 1])
    cleaned = cleaned[:MAX_NAME_CHARS - 8].strip(" .")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"Speaker {cleaned}".strip()
    if role:  # whole or not at all: never cut inside the parenthesis
        with_role = f"{cleaned} ({' '.join(_LABEL_JUNK.sub(' ', role.group('role')).split())})"
        if split_prefix(f"{with_role}: x") == (with_role, "x"):
            return with_role
    return cleaned if split_prefix(f"{cleaned}: x") == (cleaned, "x") else "Speaker"
