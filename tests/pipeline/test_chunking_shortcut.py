"""The one-part shortcut of split_turns agrees with the turn-by-turn count it skips."""
from __future__ import annotations

import random

from batch_core.ingest.turns import render_text
from batch_core.models import Turn
from batch_core.pipeline import chunking
from batch_core.pipeline.budget import estimate_tokens


def test_the_character_bound_is_never_below_the_token_estimate():
    rng = random.Random(7)
    alphabet = "abcdefghij ÆØÅæøå 0123456789 .,;:!?{}\"'-–—…€$%"
    for _ in range(300):
        turns = [Turn(speaker=f"S{n}", text="".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 400))))
                 for n in range(rng.randrange(1, 12))]
        counted = sum(estimate_tokens(render_text([t])) + 1 for t in turns)
        assert chunking._surely_fits(turns, counted - 1) is False, "the shortcut would let a part pass its room"


def test_a_transcript_that_surely_fits_is_one_part_and_one_that_does_not_is_split():
    turns = [Turn(speaker="Kari", text="We agreed to ship the release next week. " * 5) for _ in range(40)]
    whole = sum(estimate_tokens(render_text([t])) + 1 for t in turns)
    assert len(chunking.split_turns(turns, room=10 * whole)) == 1
    assert len(chunking.split_turns(turns, room=whole // 3)) > 1
