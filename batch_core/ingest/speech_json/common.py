"""Small readers shared by the speech-JSON formats."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from batch_core.ingest.speakers import safe_label
from batch_core.ingest.turns import clean_text
from batch_core.models import Turn


@dataclass
class JsonTranscript:
    """What a speech-JSON reader found: the tool's name (for the preview), turns, metadata."""
    tool: str
    turns: list[Turn]
    language: str | None = None
    title: str | None = None
    date: str | None = None
    warnings: list[str] = field(default_factory=list)


def seconds(value: Any, scale: float = 1.0) -> float | None:
    """A number (or numeric string) of time units as seconds; None when absent or unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number / scale, 3) if number >= 0 else None


def speaker_label(value: Any) -> str | None:
    """0 -> "Speaker 0", "A" -> "Speaker A", "SPEAKER_01" -> "Speaker 1", "spk_0" -> "Speaker 0"."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    lowered = text.lower()
    for prefix in ("speaker_", "speaker ", "spk_", "spk"):
        if lowered.startswith(prefix) and text[len(prefix):].strip().isdigit():
            return f"Speaker {int(text[len(prefix):])}"
    if text.isdigit() or (len(text) <= 2 and text.isalpha()):
        return f"Speaker {text.upper() if text.isalpha() else int(text)}"
    return safe_label(clean_text(text))


def text_of(value: Any) -> str:
    return clean_text(str(value)) if isinstance(value, (str, int, float)) else ""


def items(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def first_item(data: Any, key: str) -> dict:
    """The first object of `data[key]` when that is a list ({} otherwise): enough to tell a shape."""
    value = data.get(key) if isinstance(data, dict) else None
    return next(iter(items(value)), {})
