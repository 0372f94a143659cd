"""Where meetings run: this process's pool (BATCH_EXECUTOR=thread) or RQ workers (rq)."""
from __future__ import annotations

import logging
from typing import Iterable

from batch_core.config import settings
from batch_core.engine.identity import lease_deadline, owner_id
from batch_core.engine.pool import get_runner

log = logging.getLogger(__name__)

EXECUTORS = ("thread", "rq")
# With BATCH_EXECUTOR=rq the RQ workers own every batch; RQ's abandoned-job handling re-runs the
# meetings of a dead worker, so no app process may adopt such a batch: its lease never expires.
RQ_OWNER = "rq-fleet"
RQ_LEASE_UNTIL = 253402300799.0  # 9999-12-31


def executor() -> str:
    name = settings().executor
    if name not in EXECUTORS:
        raise ValueError(f"BATCH_EXECUTOR must be 'thread' or 'rq', got {name!r}")
    return name


def batch_owner() -> tuple[str, float]:
    """(owner, lease_until) to record on a batch this process submits or re-queues."""
    if executor() == "rq":
        return RQ_OWNER, RQ_LEASE_UNTIL
    return owner_id(), lease_deadline()


def schedule(batch_id: str, indexes: Iterable[int]) -> int:
    """Hand meetings to the configured executor: this process's pool, or the RQ queue."""
    indexes = sorted(indexes)
    if executor() == "rq":
        from batch_core.executors import rq_queue  # RQ is imported only where it is used
        return len(rq_queue.enqueue_meetings(batch_id, indexes))
    return get_runner().schedule(batch_id, indexes)


def unschedule(batch_id: str) -> None:
    """After a cancel: take the batch's queued RQ jobs off the queue (a job that already started
    finds its meeting canceled; pool tasks need nothing, they find it canceled too)."""
    if executor() != "rq":
        return
    from batch_core.executors import rq_queue  # RQ is imported only where it is used
    try:
        rq_queue.cancel_queued_jobs(batch_id)
    except Exception as exc:  # only the queue depth is off; the meetings are canceled already
        log.warning("could not remove canceled jobs of %s from the RQ queue: %s", batch_id, exc)
