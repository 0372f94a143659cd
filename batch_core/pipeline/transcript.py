"""Turns <-> transcript text, and the simple measures stored with a meeting."""
from __future__ import annotations

from batch_core.models import Turn


def format_timestamp(seconds: float) -> str:
    total = int(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def render_turns(turns: list[Turn]) -> str:
    """`[hh:mm:ss] Speaker: text` lines, the format `parse_text` reads back."""
    lines = []
    for turn in turns:
        prefix = f"[{format_timestamp(turn.start)}] " if turn.start is not None else ""
        speaker = f"{turn.speaker}: " if turn.speaker else ""
        lines.append(f"{prefix}{speaker}{turn.text}")
    return "\n".join(lines)


def word_count(turns: list[Turn]) -> int:
    return sum(len(turn.text.split()) for turn in turns)


def duration_seconds(turns: list[Turn]) -> float | None:
    """Time from the first timestamp to the last end (or last start); None when untimed."""
    starts = [t.start for t in turns if t.start is not None]
    if not starts:
        return None
    ends = [t.end if t.end is not None else t.start for t in turns if t.start is not None]
    return round(max(ends) - min(starts), 3)


def speakers_in_order(turns: list[Turn]) -> list[str]:
    seen: dict[str, None] = {}
    for turn in turns:
        if turn.speaker:
            seen.setdefault(turn.speaker, None)
    return list(seen)
