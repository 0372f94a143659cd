"""Turn lists: merging one speaker's consecutive turns, statistics and the normalised text."""
from __future__ import annotations

import html
import re
from collections.abc import Iterable

from batch_core.models import Turn
from batch_core.ingest.timecode import format_clock

_SPACES = re.compile(r"\s+")
# `<[^<>\n]*>` cannot rescan past the next `<`, so stripping stays linear on hostile lines.
_TAG = re.compile(r"<[^<>\n]*>")


def clean_text(text: str) -> str:
    """One line of plain words: markup tags removed, entities decoded, whitespace collapsed."""
    return _SPACES.sub(" ", html.unescape(_TAG.sub("", text))).strip()


def squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def merge_turns(turns: Iterable[Turn]) -> list[Turn]:
    """Join consecutive turns of one speaker (None counts as a speaker); drop empty ones.

    Texts are collected in lists and joined once: repeated string concatenation would be
    quadratic for a long caption file without speakers (one turn of thousands of cues).
    """
    merged: list[Turn] = []
    texts: list[list[str]] = []
    for turn in turns:
        text = squash(turn.text)
        if not text:
            continue
        if merged and merged[-1].speaker == turn.speaker:
            last = merged[-1]
            texts[-1].append(text)
            if last.start is None:
                last.start = turn.start
            last.end = turn.end if turn.end is not None else (turn.start if turn.start is not None else last.end)
            continue
        merged.append(Turn.model_construct(speaker=turn.speaker, text="", start=turn.start, end=turn.end))
        texts.append([text])
    for turn, parts in zip(merged, texts):
        turn.text = " ".join(parts)
    return merged


def speakers_of(turns: Iterable[Turn]) -> list[str]:
    """Distinct speaker names in order of first appearance."""
    seen: dict[str, None] = {}
    for turn in turns:
        if turn.speaker:
            seen.setdefault(turn.speaker, None)
    return list(seen)


def duration_of(turns: list[Turn]) -> float | None:
    """Seconds from the first timestamp to the last one (an end when known); None if untimed."""
    starts = [t.start for t in turns if t.start is not None]
    if not starts:
        return None
    ends = [t.end if t.end is not None else t.start for t in turns]
    last = max(e for e in ends if e is not None)
    return round(max(last - min(starts), 0.0), 3)


def word_count(turns: Iterable[Turn]) -> int:
    return sum(len(t.text.split()) for t in turns)


def render_text(turns: Iterable[Turn]) -> str:
    """One `[hh:mm:ss] Speaker: text` line per turn; parse_text reads it back to the same turns."""
    lines = []
    for turn in turns:
        stamp = f"[{format_clock(turn.start)}] " if turn.start is not None else ""
        label = f"{turn.speaker}: " if turn.speaker else ""
        lines.append(f"{stamp}{label}{turn.text}")
    return "\n".join(lines)
