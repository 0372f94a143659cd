"""The RQ job wrapper and its failure callback, on a real redis-server (no worker processes)."""
from __future__ import annotations

from rq.exceptions import AbandonedJobError

from batch_core.store.client import get_client
import batch_core
from batch_core import store
from batch_core.executors import rq_jobs, rq_queue
from tests.test_submit import TRANSCRIPT


def _processing_batch(rq_env) -> tuple[str, list]:
    batch_id = batch_core.submit([{"title": "Abandoned", "tier": "ordinary",
                                   "transcript": TRANSCRIPT}])["batch_id"]
    assert store.claim(batch_id, 0, {"owner": "dead-worker"}) is not None
    return batch_id, rq_queue.batch_jobs(batch_id)


def test_abandoned_job_with_retries_left_goes_back_to_queued(rq_env):
    batch_id, (job,) = _processing_batch(rq_env)
    assert job.retries_left == rq_queue.JOB_RETRIES
    rq_jobs.on_job_failure(job, job.connection, AbandonedJobError, AbandonedJobError(), None)
    row = store.get_row(batch_id, 0)
    assert row["status"] == "queued" and row["owner"] is None


def test_abandoned_job_without_retries_fails_the_meeting_in_plain_words(rq_env):
    batch_id, (job,) = _processing_batch(rq_env)
    job.retries_left = 0
    rq_jobs.on_job_failure(job, job.connection, AbandonedJobError, AbandonedJobError(), None)
    batch = batch_core.get(batch_id)
    assert batch["status"] == "completed" and batch["failed"] == 1
    assert "worker processing this meeting stopped 4 times" in batch["results"][0]["error"]


def test_job_timeout_covers_every_provider_attempt(monkeypatch):
    from batch_core import config
    monkeypatch.setenv("LLM_TIMEOUT_SECONDS", "300")
    monkeypatch.setenv("LLM_MAX_RETRIES", "3")
    config.reload_settings()
    assert rq_queue.job_timeout_seconds() >= 4 * 300


def test_rq_payloads_of_a_sensitive_batch_hold_no_text(rq_env):
    """An RQ job names only (batch_id, index); the input waits sealed in Redis until a worker
    redacts it, so the job data (pickled, compressed) and every Redis value hold no raw text."""
    from batch_core.store.sealing import is_sealed
    from tests.pipeline.pii_corpus import SPEAKERS, build

    planted = build()[0]
    batch_id = batch_core.submit([{"title": planted.title, "tier": "sensitive",
                                   "transcript": planted.transcript}])["batch_id"]
    (job,) = rq_queue.batch_jobs(batch_id)
    assert job.args == (batch_id, 0) and not job.kwargs
    raw = job.connection.hgetall(job.key)  # what RQ stores: data, description, origin …
    blob = b"\n".join(v for v in raw.values() if isinstance(v, bytes))
    for value in [v for values in planted.values.values() for v in values] + SPEAKERS:
        assert value.encode() not in blob and value not in job.description
    assert is_sealed(get_client().hget(store.items_key(batch_id), store.field(0)))
