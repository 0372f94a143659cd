"""The state machine in one place: models.TRANSITIONS names every move a row can make, the
store has one function per name, and the Lua scripts know only states and effects of the enums."""
from __future__ import annotations

import re
from pathlib import Path

from batch_core import store
from batch_core.models import TRANSITIONS, BatchEffect, BatchState, MeetingState
from batch_core.store import scripts

ROOT = Path(__file__).resolve().parents[2]
STATES = {s.value for s in MeetingState} | {s.value for s in BatchState}


def _lua_sources() -> dict[str, str]:
    return {name: value for name, value in vars(scripts).items()
            if name.isupper() and isinstance(value, str)}


def test_every_named_move_has_one_store_function():
    for name in TRANSITIONS:
        assert callable(getattr(store, name, None)), f"store.{name} is missing"


def test_every_state_and_effect_literal_in_the_lua_is_known():
    for name, source in _lua_sources().items():
        for literal in re.findall(r"'([a-z_]+)'", source):
            if literal in {"status", "owner", "lease_until", "cancel_requested", "partial_reason",
                           "finished_at", "resumed_by", "resumed_at", "resumed_from", "total",
                           "attempts", "error", "TIME", "batch_id"} or literal.isupper():
                continue
            assert literal in STATES | {e.value for e in BatchEffect if e.value}, (name, literal)
    bulk = _lua_sources()["BULK"]
    for effect in BatchEffect:
        if effect.value:
            assert f"'{effect.value}'" in bulk, f"the BULK script ignores effect {effect.value!r}"


def test_every_move_of_the_table_is_taken_somewhere_and_nothing_moves_rows_around_it():
    code = "\n".join(p.read_text() for p in (ROOT / "batch_core").rglob("*.py")
                     if "store" not in p.relative_to(ROOT / "batch_core").parts)
    for name in TRANSITIONS:
        assert re.search(rf"\bstore\.{name}\b", code), f"no caller of the move {name!r}"
    assert not re.search(r"_transition\(|_bulk_transition\(|\.transition\(", code)


def test_a_move_from_a_state_the_table_does_not_allow_changes_nothing(redis_url):
    import time

    from batch_core.models import MeetingIn, MeetingRow, QueuedInput, Tier
    meeting = MeetingIn(title="T", tier=Tier.ORDINARY, transcript="x")
    store.create_batch("batch_0000beef", store.utc_now(), "skip", "me", time.time() + 60,
                       [MeetingRow(index=0, title="T", tier=Tier.ORDINARY, status=MeetingState.QUEUED)],
                       {0: QueuedInput(meeting=meeting, title_digest="d")})
    assert store.complete("batch_0000beef", 0, {}, owner="me") is None   # queued cannot complete
    assert store.requeue_failed("batch_0000beef", {}, ("test-owner", 0.0)) == []               # nothing failed
    assert store.claim("batch_0000beef", 0, {"owner": "me"})["status"] == "processing"
    assert store.claim("batch_0000beef", 0, {}) is None                   # claimed only once
    assert store.fail("batch_0000beef", 0, {"error": "x"}, owner="me")["status"] == "failed"
    assert store.requeue_failed("batch_0000beef", {}, ("test-owner", 0.0)) == [0]
