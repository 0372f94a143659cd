"""YouTube .sbv captions: `0:00:01.000,0:00:03.500` timing line, text lines, a blank line."""
from __future__ import annotations

import re

from batch_core.ingest.errors import IngestError
from batch_core.ingest.speakers import split_prefix
from batch_core.ingest.timecode import parse_clock
from batch_core.ingest.turns import clean_text, merge_turns
from batch_core.models import Turn

_TIMING = re.compile(r"^(\d{1,2}:\d{2}:\d{2}(?:\.\d{1,3})?),(\d{1,2}:\d{2}:\d{2}(?:\.\d{1,3})?)\s*$")


def looks_like_sbv(text: str) -> bool:
    first = next((line for line in text.lstrip("\ufeff").split("\n") if line.strip()), "")
    return bool(_TIMING.match(first.strip()))


def parse_sbv(text: str) -> list[Turn]:
    turns: list[Turn] = []
    start = end = None
    lines: list[str] = []

    def close() -> None:
        body = clean_text(" ".join(lines))
        if body:
            speaker = None
            if (labelled := split_prefix(body)):
                speaker, body = labelled
            turns.append(Turn(speaker=speaker, text=body, start=start, end=end))
        lines.clear()

    for raw in text.lstrip("\ufeff").split("\n"):
        line = raw.strip()
        if (timing := _TIMING.match(line)):
            close()
            start, end = parse_clock(timing.group(1)), parse_clock(timing.group(2))
        elif line:
            lines.append(line)
        else:
            close()
    close()
    if not turns:
        raise IngestError("an SBV caption file with no words")
    return merge_turns(turns)
