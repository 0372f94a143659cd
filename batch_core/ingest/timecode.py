"""Clock strings in transcripts (`1:02`, `01:02:03`, `00:01:02.500`) to seconds and back."""
from __future__ import annotations

import re

# Hours optional, fractions with `.` (WebVTT) or `,` (SRT).
CLOCK = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,7})?"
# Older Teams .docx exports write `0:0:3.45 --> 0:0:5.6`: single-digit fields.
LOOSE_CLOCK = r"\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d{1,7})?"
_CLOCK_RE = re.compile(rf"^(?:{CLOCK}|{LOOSE_CLOCK})$")


def parse_clock(value: str) -> float | None:
    """Seconds for a clock string, or None when it is not one."""
    value = value.strip()
    if not _CLOCK_RE.match(value):
        return None
    main, _, fraction = value.replace(",", ".").partition(".")
    parts = [int(p) for p in main.split(":")]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds + (float(f"0.{fraction}") if fraction else 0.0)


def format_clock(seconds: float) -> str:
    """`hh:mm:ss`, the form the normalised transcript text uses."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
