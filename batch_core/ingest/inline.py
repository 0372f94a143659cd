"""Turns run together on one line: `Alice: Ship it. Bob: Agreed. Alice: Done.`

Transcripts pasted into a form or sent as a JSON string sometimes lose their line breaks. A line
is split at an inline `Name:` only when it already opens with a speaker label, the label follows
a sentence end, and at least one inline name is a speaker of the transcript or comes back on
the line, so prose such as "The plan is clear. Note: we meet Tuesday." is left alone.
"""
from __future__ import annotations

import re

from batch_core.ingest.speakers import plausible_name, split_prefix

_INLINE_LABEL = re.compile(
    r"(?<=[.!?…\"”)])\s+(?P<name>[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}):\s+(?=\S)")
# Words that end a sentence with a colon in ordinary speech, never speakers.
_NOT_SPEAKERS = {"note", "update", "action", "decision", "question", "answer", "summary",
                 "example", "agenda", "reminder", "warning", "ps", "fyi", "edit"}


def _inline_labels(line: str) -> list[re.Match]:
    return [m for m in _INLINE_LABEL.finditer(line)
            if plausible_name(m.group("name")) and m.group("name").lower() not in _NOT_SPEAKERS]


def unfold_inline_turns(lines: list[str]) -> list[str]:
    """The same lines, with run-together turns split onto lines of their own."""
    leading = {labelled[0] for line in lines if (labelled := split_prefix(line.strip()))}
    if not leading:
        return lines
    out: list[str] = []
    for line in lines:
        labels = _inline_labels(line) if split_prefix(line.strip()) else []
        names = [m.group("name") for m in labels]
        if not any(name in leading or names.count(name) > 1 for name in names):
            out.append(line)
            continue
        start = 0
        for match in labels:
            out.append(line[start:match.start()].strip())
            start = match.start("name")
        out.append(line[start:].strip())
    return out
