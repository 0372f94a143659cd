"""The named moves of a meeting's row (models.TRANSITIONS), one function each.

Each is one Lua call that moves the row and the batch's counters together (scripts.TRANSITION
for one row, scripts.BULK for all rows in a state) and ends the batch when nothing is left to
run. A move from a state the table does not allow changes nothing and returns None / [].
"""
from __future__ import annotations

from typing import Any

from batch_core.models import TRANSITIONS, MeetingState
from batch_core.store.batches import _bulk_transition, _transition


def _one(name: str, batch_id: str, index: int, patch: dict[str, Any], *, owner: str = "",
         add_attempts: int = 0, drop_item: bool = False) -> dict[str, Any] | None:
    from_states, to_state, _ = TRANSITIONS[name]
    return _transition(batch_id, index, sorted(from_states, key=_order), to_state, patch,
                       owner=owner, add_attempts=add_attempts, drop_item=drop_item)


def _all(name: str, batch_id: str, patch: dict[str, Any], *, reason: str = "",
         drop_item: bool = False, owner: tuple[str, float] | None = None) -> list[int]:
    from_states, to_state, effect = TRANSITIONS[name]
    return _bulk_transition(batch_id, sorted(from_states, key=_order), to_state, patch,
                            effect=effect, reason=reason, drop_item=drop_item, owner=owner)


def _order(state: MeetingState) -> int:
    return list(MeetingState).index(state)


def claim(batch_id: str, index: int, patch: dict[str, Any]) -> dict[str, Any] | None:
    """queued -> processing, by one caller only."""
    return _one("claim", batch_id, index, patch)


def update_running(batch_id: str, index: int, patch: dict[str, Any], owner: str
                   ) -> dict[str, Any] | None:
    """processing -> processing (stage, timings, redacted title) if `owner` still runs it."""
    return _one("update_running", batch_id, index, patch, owner=owner)


def complete(batch_id: str, index: int, patch: dict[str, Any], owner: str,
             add_attempts: int = 0) -> dict[str, Any] | None:
    """processing -> completed; the input is dropped (the record holds the result)."""
    return _one("complete", batch_id, index, patch, owner=owner, add_attempts=add_attempts,
                drop_item=True)


def fail(batch_id: str, index: int, patch: dict[str, Any], owner: str = "",
         add_attempts: int = 0) -> dict[str, Any] | None:
    """processing -> failed; the input stays for retry_failed."""
    return _one("fail", batch_id, index, patch, owner=owner, add_attempts=add_attempts)


def fail_job(batch_id: str, index: int, patch: dict[str, Any]) -> dict[str, Any] | None:
    """queued or processing -> failed: RQ gave up on the job."""
    return _one("fail_job", batch_id, index, patch)


def requeue(batch_id: str, index: int, owner: str = "") -> bool:
    """processing -> queued: a run that is over left the meeting processing (same meeting_id,
    so still one record when it runs again). With `owner`, only if that process ran it."""
    return _one("requeue", batch_id, index, {"stage": None, "owner": None}, owner=owner) is not None


def cancel_queued(batch_id: str, patch: dict[str, Any]) -> list[int]:
    """Every queued row -> canceled; the batch ends canceled. Inputs stay (sealed, for the
    sensitive tier) until the batch expires, so the canceled meetings can be queued again."""
    return _all("cancel_queued", batch_id, patch)


def requeue_canceled(batch_id: str, patch: dict[str, Any], owner: tuple[str, float]) -> list[int]:
    """Every canceled row -> queued; the batch runs again, owned by `owner` (as requeue_failed)."""
    return _all("requeue_canceled", batch_id, patch, owner=owner)


def fail_queued(batch_id: str, patch: dict[str, Any]) -> list[int]:
    """Every queued row -> failed (the provider rejected the key: all would fail the same way)."""
    return _all("fail_queued", batch_id, patch)


def requeue_failed(batch_id: str, patch: dict[str, Any], owner: tuple[str, float]) -> list[int]:
    """Every failed row -> queued; the batch runs again, owned by `owner` (set in the same step,
    and only when a row moved: a refused retry leaves a running batch's owner alone)."""
    return _all("requeue_failed", batch_id, patch, owner=owner)


def settle_partial(batch_id: str, patch: dict[str, Any], reason: str) -> list[int]:
    """Every queued row -> failed with `reason`; the batch ends partial (a storage loss)."""
    return _all("settle_partial", batch_id, patch, reason=reason)


def cancel_running(batch_id: str, index: int, patch: dict[str, Any], owner: str) -> dict[str, Any] | None:
    """processing -> canceled (economy: the provider canceled its requests); the input stays."""
    return _one("cancel_running", batch_id, index, patch, owner=owner)
