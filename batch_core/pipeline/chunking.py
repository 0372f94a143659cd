"""Split a transcript that exceeds the context budget into parts, at turn boundaries.

Each part repeats the last turns of the part before it (a small overlap) so that a commitment
made across the boundary ("Can you send it?" / "Yes, by Friday") is seen whole by one call. A
single turn longer than a part is cut at sentence ends, then at word boundaries, and keeps its
speaker. The merge (pipeline/merge.py) removes what the overlap made appear twice.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from batch_core.ingest.turns import render_text
from batch_core.models import Turn
from batch_core.pipeline.budget import SAFETY, estimate_tokens

OVERLAP_SHARE = 0.08  # at most this share of a part is repeated from the part before
OVERLAP_TURNS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Chunk:
    own: list[Turn]                # the turns this part is responsible for
    context: list[Turn]            # turns repeated from the part before (may be empty)

    @property
    def turns(self) -> list[Turn]:
        return [*self.context, *self.own]


def turn_tokens(turn: Turn) -> int:
    return estimate_tokens(render_text([turn])) + 1  # + the line break


def _cut_text(text: str, room: int) -> list[str]:
    """Pieces of `text` of at most `room` tokens each: whole sentences where possible."""
    pieces: list[str] = []
    current = ""
    units = [u for s in _SENTENCE_END.split(text) for u in
             ([s] if estimate_tokens(s) <= room else s.split())]
    for unit in units:
        candidate = f"{current} {unit}".strip()
        if current and estimate_tokens(candidate) > room:
            pieces.append(current)
            current = unit
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def fit_turns(turns: list[Turn], room: int) -> list[Turn]:
    """Turns where none exceeds `room` tokens (long ones cut, speaker and start kept)."""
    fitted: list[Turn] = []
    for turn in turns:
        if turn_tokens(turn) <= room:
            fitted.append(turn)
            continue
        label_room = max(16, room - turn_tokens(turn.model_copy(update={"text": ""})) - 2)
        pieces = _cut_text(turn.text, label_room)
        for number, piece in enumerate(pieces):
            fitted.append(turn.model_copy(update={
                "text": piece, "start": turn.start if number == 0 else None,
                "end": turn.end if number == len(pieces) - 1 else None}))
    return fitted


def _surely_fits(turns: list[Turn], room: int) -> bool:
    """No piece counts more than one token per character (budget.estimate_tokens), so a transcript
    whose characters (times the safety factor) fit needs no count turn by turn (~8 ms a meeting)."""
    return math.ceil(len(render_text(turns)) * SAFETY) + 2 * len(turns) <= room  # each turn: its line break, a ceil


def split_turns(turns: list[Turn], room: int) -> list[Chunk]:
    """Parts of at most `room` transcript tokens each (overlap included), in order."""
    if _surely_fits(turns, room):
        return [Chunk(own=list(turns), context=[])]
    turns = fit_turns(turns, room)
    costs = [turn_tokens(t) for t in turns]
    if sum(costs) <= room:
        return [Chunk(own=list(turns), context=[])]
    overlap_room = int(room * OVERLAP_SHARE)
    chunks: list[Chunk] = []
    start = 0
    while start < len(turns):
        context: list[Turn] = []
        used = 0
        if chunks:  # repeat the previous part's last few turns, within the overlap room
            back = start - 1
            while back >= 0 and len(context) < OVERLAP_TURNS and used + costs[back] <= overlap_room:
                context.insert(0, turns[back])
                used += costs[back]
                back -= 1
        end = start
        while end < len(turns) and (end == start or used + costs[end] <= room):
            used += costs[end]
            end += 1
        chunks.append(Chunk(own=turns[start:end], context=context))
        start = end
    return chunks


def remaining_turns(chunks: list[Chunk]) -> list[Turn]:
    """The turns the given parts are responsible for, for splitting them again smaller."""
    return [turn for chunk in chunks for turn in chunk.own]
