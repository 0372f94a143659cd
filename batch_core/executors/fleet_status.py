"""What the dashboard shows about the fleet: live RQ workers and how much work is waiting."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rq import Worker
from rq.worker import BaseWorker
from rq.registry import StartedJobRegistry

from batch_core.config import settings
from batch_core.executors import rq_queue


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _worker_row(worker: BaseWorker, now: datetime, stale_after: float) -> dict[str, Any]:
    job = None
    try:
        job = worker.get_current_job()
    except Exception:  # the job finished (and maybe expired) between the two reads
        job = None
    beat = worker.last_heartbeat
    if beat is not None and beat.tzinfo is None:
        beat = beat.replace(tzinfo=timezone.utc)
    age = (now - beat).total_seconds() if beat else None
    state = worker.get_state()
    if age is None or age > stale_after:
        state = "unresponsive"  # no heartbeat for a while: probably killed; RQ drops it soon
    return {
        "name": worker.name,
        "hostname": worker.hostname,
        "pid": worker.pid,
        "state": state,
        "current_job": job.description if job is not None else None,
        "current_batch": (job.meta or {}).get("batch_id") if job is not None else None,
        "current_index": (job.meta or {}).get("index") if job is not None else None,
        "last_heartbeat": _iso(beat),
        "heartbeat_age_seconds": round(age, 1) if age is not None else None,
        "successful_jobs": worker.successful_job_count,
        "failed_jobs": worker.failed_job_count,
    }


def fleet_info() -> dict[str, Any]:
    """{"executor", "queue", "queue_depth", "running", "workers": [{name, hostname, pid, state,
    current_job, current_batch, last_heartbeat, heartbeat_age_seconds, ...}]}"""
    config = settings()
    conn = rq_queue.connection()
    queue = rq_queue.meeting_queue(conn)
    now = datetime.now(timezone.utc)
    # Busy workers renew every heartbeat; idle ones after each blocking wait (one heartbeat too).
    stale_after = 3 * max(1, config.heartbeat_seconds) + 5
    workers = [_worker_row(w, now, stale_after) for w in Worker.all(queue=queue)]
    workers.sort(key=lambda w: (w["hostname"] or "", w["name"]))
    return {
        "executor": config.executor,
        "queue": queue.name,
        "queue_depth": queue.count,
        "running": StartedJobRegistry(queue=queue).get_job_count(cleanup=False),
        "workers": workers,
    }
