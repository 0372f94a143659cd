"""The enqueue side of the RQ executor: one RQ job per meeting, grouped per batch.

The batch state in our own keys stays the source of truth; RQ only carries "run meeting
(batch_id, index)" to some worker. A job that starts after its meeting was canceled finds the
meeting no longer queued and returns without doing anything.
"""
from __future__ import annotations

import os
import threading
from typing import Iterable

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry as RedisRetry
from rq import Queue, Retry
from rq.callbacks import Callback
from rq.group import Group
from rq.job import Job, JobStatus

from batch_core.config import settings
from batch_core.store import RQ_QUEUE_NAME as QUEUE_NAME

JOB_FUNCTION = "batch_core.executors.rq_jobs.process_meeting_job"
FAILURE_CALLBACK = "batch_core.executors.rq_jobs.on_job_failure"
# How many times RQ re-runs a meeting whose worker died (or whose job raised) before giving up.
JOB_RETRIES = 3

_lock = threading.Lock()
_connection: tuple[int, str, redis.Redis] | None = None


def connection() -> redis.Redis:
    """A Redis client for RQ (bytes, not decoded: RQ stores pickled payloads), one per process."""
    global _connection
    from batch_core.store.embedded import ensure_server  # noqa: PLC0415  (the embedded server only in rq mode)
    url = ensure_server()
    with _lock:
        if _connection is None or _connection[0] != os.getpid() or _connection[1] != url:
            timeout = settings().redis_connect_timeout
            client = redis.Redis.from_url(
                url, socket_connect_timeout=timeout, socket_timeout=max(timeout, 5.0),
                retry=RedisRetry(NoBackoff(), 0),
            )
            _connection = (os.getpid(), url, client)
        return _connection[2]


def reset_connection() -> None:
    global _connection
    with _lock:
        if _connection is not None:
            _connection[2].close()
        _connection = None


def meeting_queue(conn: redis.Redis | None = None) -> Queue:
    return Queue(QUEUE_NAME, connection=conn or connection())


def job_timeout_seconds() -> int:
    """Longest a meeting may run on a worker: every provider attempt timing out, plus backoff."""
    config = settings()
    attempts = config.llm_max_retries + 1
    worst = attempts * (config.llm_timeout_seconds + config.llm_retry_max_seconds)
    return int(max(600, worst + 300))


def enqueue_meetings(batch_id: str, indexes: Iterable[int]) -> list[str]:
    """Put one job per meeting on the queue, in index order, in the batch's RQ group."""
    indexes = sorted(set(indexes))
    if not indexes:
        return []
    queue = meeting_queue()
    ttl = settings().result_ttl_seconds
    datas = [
        Queue.prepare_data(
            JOB_FUNCTION,
            args=(batch_id, index),
            timeout=job_timeout_seconds(),
            result_ttl=min(ttl, 3600),
            failure_ttl=ttl,
            description=f"meeting {index} of {batch_id}",
            meta={"batch_id": batch_id, "index": index},
            retry=Retry(max=JOB_RETRIES, enqueue_at_front=True),
            on_failure=Callback(FAILURE_CALLBACK),
        )
        for index in indexes
    ]
    jobs = Group(connection=queue.connection, name=batch_id).enqueue_many(queue, datas)
    return [job.id for job in jobs]


def batch_jobs(batch_id: str) -> list[Job]:
    conn = connection()
    return Group(connection=conn, name=batch_id).get_jobs()


def cancel_queued_jobs(batch_id: str) -> int:
    """Take the batch's still-queued jobs off the queue (their meetings are already canceled in
    our state; this only keeps the queue depth honest). Returns how many were removed."""
    removed = 0
    for job in batch_jobs(batch_id):
        if job.get_status(refresh=False) == JobStatus.QUEUED:
            try:
                job.cancel()
                removed += 1
            except Exception:  # picked up by a worker meanwhile: it will find the meeting canceled
                continue
    return removed
