"""Finish what a dead process or a lost Redis left behind.

Run from the pool's heartbeat loop every BATCH_HEARTBEAT_SECONDS, next to the adoption of
batches whose owner died (pool.Runner.resume_orphans):

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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from batch_core import store
from batch_core.config import settings
from batch_core.engine import economy
from batch_core.engine.identity import owner_id
from batch_core.engine.processing import meeting_id_for, provider_attempts
from batch_core.engine.tracking import tracker
from batch_core.models import MeetingRecord, MeetingState
from batch_core.store import retry as redis_retry

if TYPE_CHECKING:
    from batch_core.engine.pool import Runner

log = logging.getLogger(__name__)

STORAGE_LOST_ERROR = ("storage unavailable: Redis could not be reached for more than {seconds:g} s "
                      "while this meeting was running; retry the batch's failed meetings")


@dataclass
class ScanReport:
    settled: list[str] = field(default_factory=list)             # batches ended partial
    repaired: dict[str, list[int]] = field(default_factory=dict)  # our own rows re-queued


# ---------------------------------------------------------------- settle after a storage loss

def settle(batch_id: str, owner: str) -> bool:
    """End a batch whose writes were lost as `partial`; False if Redis is still unreachable."""

    reason = STORAGE_LOST_ERROR.format(seconds=settings().redis_retry_seconds)
    try:
        snap = store.snapshot(batch_id)
        redis_retry.outage.clear()
        if snap is None or snap[0].get("owner") != owner:
            tracker.settled(batch_id)  # expired, or adopted meanwhile: its new owner resumes it
            return True
        now = store.utc_now()
        # Queued ones first: this also records the partial reason before the last row settles.
        store.settle_partial(batch_id, {"error": reason, "finished_at": now}, reason)
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

    record = store.load_record(meeting_id)
    if record is not None and record.get("batch_id") == batch_id:
        attempts = provider_attempts(MeetingRecord.model_validate(record))
        store.complete(batch_id, index, {"meeting_id": meeting_id, "finished_at": now, "stage": None},
                       owner=owner, add_attempts=attempts)
        return
    store.fail(batch_id, index, {"error": reason, "finished_at": now}, owner=owner)


# ---------------------------------------------------------------- repair our own batches

def reconcile_owned(runner: "Runner", owner: str) -> dict[str, list[int]]:
    """Re-run meetings of our batches that no task of ours will finish.

    Normally none. After a redis-server crash, its last second of writes may be gone (AOF
    everysec): a claim or a completion we made can vanish, leaving a row `queued` with no task
    for it, or `processing` in our name with no worker running it.
    """
    rescheduled: dict[str, list[int]] = {}
    for batch_id in sorted(runner.owned_batches()):
        if tracker.is_lost(batch_id) or economy.is_driving(batch_id):
            continue  # an economy batch's rows wait at the provider with its own thread
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
                  and store.requeue(batch_id, index, owner=owner)):
                indexes.append(index)
        if indexes:
            runner.schedule(batch_id, indexes)
            rescheduled[batch_id] = indexes
            log.warning("batch %s: re-queued %d meetings whose state was lost", batch_id,
                        len(indexes))
    return rescheduled


# ---------------------------------------------------------------- the periodic loop

def scan(runner: "Runner") -> ScanReport:
    """One pass (from the pool's heartbeat loop): settle batches hit by a storage loss, then
    re-queue our own meetings that no task will finish. Adoption of other processes' batches is
    pool.Runner.resume_orphans."""

    report = ScanReport()
    for batch_id in sorted(tracker.lost()):
        if settle(batch_id, owner_id()):
            report.settled.append(batch_id)
    try:
        report.repaired = reconcile_owned(runner, owner_id())
    except redis_retry.RETRYABLE as exc:
        log.info("repair scan skipped, Redis unreachable: %s", exc)
    return report
