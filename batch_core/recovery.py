"""Finish what a dead process or a lost Redis left behind.

Run from the runner's heartbeat loop every BATCH_HEARTBEAT_SECONDS, next to the adoption of
batches whose owner died (runner.Runner.resume_orphans):

- Settle after a storage loss: when a worker gave up because Redis stayed down longer than
  BATCH_REDIS_RETRY_SECONDS, its batch is remembered here. Once Redis answers again, meetings whose
  record was already stored are marked completed, the other unfinished ones fail with "storage
  unavailable", and the batch ends `partial` (retry_failed can re-run them later).
- Repair our own batches: after a redis-server crash the last second of writes (AOF everysec)
  may be gone, so a meeting can look queued or processing in our name with no task of ours left
  to finish it; it is re-queued and run again (its record id is deterministic: no duplicate).
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

from batch_core import redis_retry, store
from batch_core.config import settings
from batch_core.models import MeetingRecord, MeetingState

if TYPE_CHECKING:
    from batch_core.runner import Runner

log = logging.getLogger(__name__)

STORAGE_LOST_ERROR = ("storage unavailable: Redis could not be reached for more than {seconds:g} s "
                      "while this meeting was running; retry the batch's failed meetings")


@dataclass
class ScanReport:
    settled: list[str] = field(default_factory=list)             # batches ended partial
    repaired: dict[str, list[int]] = field(default_factory=dict)  # our own rows re-queued


class _Tracker:
    """Meetings this process has queued or is running, and batches whose writes were lost."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Counter[tuple[str, int]] = Counter()
        self._running: set[tuple[str, int]] = set()
        self._lost: set[str] = set()

    def scheduled(self, batch_id: str, index: int) -> None:
        with self._lock:
            self._pending[(batch_id, index)] += 1

    @contextmanager
    def running(self, batch_id: str, index: int) -> Iterator[None]:
        key = (batch_id, index)
        with self._lock:
            self._running.add(key)
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(key)
                self._pending[key] -= 1
                if self._pending[key] <= 0:
                    del self._pending[key]

    def is_running(self, batch_id: str, index: int) -> bool:
        with self._lock:
            return (batch_id, index) in self._running

    def is_known(self, batch_id: str, index: int) -> bool:
        """Queued in this process's pool or running in it."""
        with self._lock:
            return (batch_id, index) in self._running or self._pending[(batch_id, index)] > 0

    def mark_lost(self, batch_id: str) -> None:
        with self._lock:
            self._lost.add(batch_id)

    def settled(self, batch_id: str) -> None:
        with self._lock:
            self._lost.discard(batch_id)

    def lost(self) -> set[str]:
        with self._lock:
            return set(self._lost)

    def is_lost(self, batch_id: str) -> bool:
        with self._lock:
            return batch_id in self._lost


tracker = _Tracker()


def run_tracked(batch_id: str, index: int) -> MeetingState | None:
    """The task the runner schedules: process_meeting, remembering a storage loss for its batch.

    The runner calls tracker.scheduled(batch_id, index) when it queues this task.
    """
    from batch_core.worker import process_meeting

    with tracker.running(batch_id, index):
        if tracker.is_lost(batch_id):
            return None  # left queued: settle() fails it once Redis is back
        redis_retry.forget_thread_loss()
        state = process_meeting(batch_id, index)
        if redis_retry.thread_lost_storage():
            tracker.mark_lost(batch_id)
    return state


# ---------------------------------------------------------------- settle after a storage loss

def settle(batch_id: str, owner: str) -> bool:
    """End a batch whose writes were lost as `partial`; False if Redis is still unreachable."""
    from batch_core.worker import meeting_id_for

    reason = STORAGE_LOST_ERROR.format(seconds=settings().redis_retry_seconds)
    try:
        snap = store.snapshot(batch_id)
        redis_retry.outage.clear()
        if snap is None or snap[0].get("owner") != owner:
            tracker.settled(batch_id)  # expired, or adopted meanwhile: its new owner resumes it
            return True
        now = store.utc_now()
        # Queued ones first: this also records the partial reason before the last row settles.
        store.bulk_transition(batch_id, (MeetingState.QUEUED,), MeetingState.FAILED,
                              {"error": reason, "finished_at": now}, mode="partial",
                              reason=reason)
        for row in snap[1]:
            if row["status"] != MeetingState.PROCESSING.value:
                continue
            if tracker.is_running(batch_id, row["index"]):
                continue  # its worker is alive and will write its own outcome
            _settle_interrupted(batch_id, row["index"], meeting_id_for(batch_id, row["index"]),
                                owner, reason, now)
    except redis_retry.RETRYABLE as exc:
        log.info("batch %s not settled yet, Redis still unreachable: %s", batch_id, exc)
        return False
    tracker.settled(batch_id)
    log.warning("batch %s ended partial after a storage outage", batch_id)
    return True


def _settle_interrupted(batch_id: str, index: int, meeting_id: str, owner: str, reason: str,
                        now: str) -> None:
    """A meeting cut off by the outage: completed if its record made it to Redis, else failed."""
    from batch_core.worker import provider_attempts

    record = store.load_record(meeting_id)
    if record is not None and record.get("batch_id") == batch_id:
        attempts = provider_attempts(MeetingRecord.model_validate(record))
        store.transition(batch_id, index, (MeetingState.PROCESSING,), MeetingState.COMPLETED,
                         {"meeting_id": meeting_id, "finished_at": now, "stage": None},
                         owner=owner, add_attempts=attempts, drop_item=True)
        return
    store.transition(batch_id, index, (MeetingState.PROCESSING,), MeetingState.FAILED,
                     {"error": reason, "finished_at": now}, owner=owner)


# ---------------------------------------------------------------- repair our own batches

def reconcile_owned(runner: "Runner", owner: str) -> dict[str, list[int]]:
    """Re-run meetings of our batches that no task of ours will finish.

    Normally none. After a redis-server crash, its last second of writes may be gone (AOF
    everysec): a claim or a completion we made can vanish, leaving a row `queued` with no task
    for it, or `processing` in our name with no worker running it.
    """
    rescheduled: dict[str, list[int]] = {}
    for batch_id in sorted(runner.owned_batches()):
        if tracker.is_lost(batch_id):
            continue
        snap = store.snapshot(batch_id)
        if snap is None or snap[0].get("status") != "processing" or snap[0].get("owner") != owner:
            continue
        indexes = []
        for row in snap[1]:
            index = row["index"]
            if tracker.is_known(batch_id, index):
                continue
            if row["status"] == MeetingState.QUEUED.value:
                indexes.append(index)
            elif (row["status"] == MeetingState.PROCESSING.value
                  and store.requeue_interrupted(batch_id, index, owner=owner)):
                indexes.append(index)
        if indexes:
            runner.schedule(batch_id, indexes)
            rescheduled[batch_id] = indexes
            log.warning("batch %s: re-queued %d meetings whose state was lost", batch_id,
                        len(indexes))
    return rescheduled


# ---------------------------------------------------------------- the periodic loop

def scan(runner: "Runner") -> ScanReport:
    """One pass (from the runner's heartbeat loop): settle batches hit by a storage loss, then
    re-queue our own meetings that no task will finish. Adoption of other processes' batches is
    runner.Runner.resume_orphans."""
    from batch_core.runner import owner_id

    report = ScanReport()
    for batch_id in sorted(tracker.lost()):
        if settle(batch_id, owner_id()):
            report.settled.append(batch_id)
    try:
        report.repaired = reconcile_owned(runner, owner_id())
    except redis_retry.RETRYABLE as exc:
        log.info("repair scan skipped, Redis unreachable: %s", exc)
    return report
