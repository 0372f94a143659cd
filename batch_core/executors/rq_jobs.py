"""What an RQ worker runs for one meeting, and what happens when a worker dies under it.

The job is a thin wrapper around the engine's process-one-meeting step (claim atomically, run
the pipeline, store, mark: batch_core.engine.processing.process_meeting), so a meeting run by RQ leaves
exactly the state a meeting run by the thread pool does. Imports happen inside the functions:
workers import this module by name, and RQ calls the callback in whichever worker cleans up.
"""
from __future__ import annotations

import logging
from typing import Any

from rq import get_current_job
from rq.exceptions import AbandonedJobError

log = logging.getLogger(__name__)


class MeetingInterrupted(RuntimeError):
    """The meeting could not be finished (e.g. Redis unreachable); RQ retries the job."""


def _requeue_interrupted(batch_id: str, index: int) -> bool:
    """An earlier run of this job is over (RQ only retries ended or abandoned executions), so a
    meeting still marked processing was interrupted: put it back in the queue to be claimed."""
    from batch_core import store
    return store.requeue(batch_id, index)


def process_meeting_job(batch_id: str, index: int) -> dict[str, Any] | None:
    """Run meeting `index` of `batch_id` unless it is no longer queued (canceled, done)."""
    from batch_core import store
    from batch_core.engine.limits import install as install_provider_limits
    from batch_core.engine.identity import owner_id
    from batch_core.engine.processing import process_meeting

    install_provider_limits()
    job = get_current_job()
    if job is not None and job.retries_left is not None and job.retries_left < _max_retries():
        if _requeue_interrupted(batch_id, index):
            log.warning("meeting %s of %s: resuming after an interrupted run", index, batch_id)
    state = process_meeting(batch_id, index)
    row = store.get_row(batch_id, index) or {}
    if state is None and row.get("status") == "processing" and row.get("owner") == owner_id():
        # Claimed by this run but not finished: the engine logged why (storage trouble).
        raise MeetingInterrupted(f"meeting {index} of {batch_id} was interrupted; retrying")
    return {"status": row.get("status"), "meeting_id": row.get("meeting_id")}


def _max_retries() -> int:
    from batch_core.executors.rq_queue import JOB_RETRIES
    return JOB_RETRIES


def on_job_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ failure callback, also called by RQ's cleanup when a worker died mid-meeting
    (AbandonedJobError). With retries left, the meeting goes back to queued (RQ then re-runs the
    job); without, it is failed for good so its batch can finish."""
    from batch_core import store

    batch_id, index = job.args[0], int(job.args[1])
    if (job.retries_left or 0) > 0:
        if _requeue_interrupted(batch_id, index):
            log.warning("meeting %s of %s: run lost (%s), re-queued", index, batch_id,
                        exc_type.__name__ if exc_type else "unknown")
        return
    if exc_type is AbandonedJobError or isinstance(exc_value, AbandonedJobError):
        reason = (f"the worker processing this meeting stopped {_max_retries() + 1} times "
                  "(killed or lost); not retried again")
    else:
        reason = f"could not be processed after {_max_retries() + 1} tries: {exc_value}"
    store.fail_job(batch_id, index,
                   {"stage": None, "owner": None, "error": reason, "finished_at": store.utc_now()})
