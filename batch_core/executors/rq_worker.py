"""The RQ worker of the fleet: RQ's forking Worker, timed by our lease settings.

A work horse is forked per meeting, so a crash inside one meeting cannot take the worker down.
The worker renews each running meeting's RQ execution every `BATCH_HEARTBEAT_SECONDS`; an
execution not renewed for `BATCH_LEASE_SECONDS` (its worker was killed or lost its machine) is
found by any other worker's maintenance pass, which runs every `BATCH_HEARTBEAT_SECONDS`, and RQ
retries it there (see rq_jobs.on_job_failure).
"""
from __future__ import annotations

import logging

from rq import Worker
from rq.job import Job
from rq.worker_pool import WorkerPool

from batch_core.config import settings
from batch_core.executors import rq_queue

log = logging.getLogger(__name__)


class FleetWorker(Worker):
    def __init__(self, *args, **kwargs):
        config = settings()
        beat = max(1, int(config.heartbeat_seconds))
        kwargs.setdefault("job_monitoring_interval", beat)
        kwargs.setdefault("maintenance_interval", beat)
        # RQ blocks waiting for a job for worker_ttl - 15 s; keep that at one heartbeat so idle
        # workers report in and run maintenance on time.
        kwargs.setdefault("worker_ttl", beat + 15)
        super().__init__(*args, **kwargs)

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """How long a running meeting's execution stays valid without a heartbeat: the lease
        (RQ's default is heartbeat + 60 s, too slow to notice a dead worker)."""
        return max(int(settings().lease_seconds), self.job_monitoring_interval + 1)


def warm_up() -> None:
    """Load the engine and pipeline (Presidio, VADER, the provider SDK) once in the parent, so
    each forked work horse starts with them in memory instead of loading them per meeting."""
    steps = []
    try:
        # The point of warming up: load the pipeline's heavy parts in the parent process.
        import batch_core.engine.processing  # noqa: F401  (the engine step the job calls)
        from batch_core.ingest.text import parse_text
        from batch_core.models import Turn
        from batch_core.pipeline.providers import get_provider
        from batch_core.pipeline.sentiment import speaker_sentiment
        steps = [lambda: parse_text("A: warm up"),
                 lambda: speaker_sentiment([Turn(speaker="A", text="a good start")]),
                 lambda: get_provider(settings())]
        # the sensitive tier's analyzer and name lists, the local provider's word frequencies
        from batch_core.pipeline.pii.lexicon import lexicon
        from batch_core.pipeline.providers.local.topics import rarity
        from batch_core.pipeline.redact import analyzer
        steps += [analyzer, lexicon, lambda: rarity("warm")]
    except Exception as exc:  # a broken pipeline fails each meeting with its own clear error
        log.warning("pipeline warm-up skipped: %s", exc)
    for step in steps:
        try:
            step()
        except Exception as exc:
            log.warning("pipeline warm-up step failed: %s", exc)


def run_workers(count: int, burst: bool = False, log_level: str = "INFO") -> int:
    """Run `count` workers on the meeting queue until stopped (SIGINT/SIGTERM: finish the
    current meeting, then exit). Returns a process exit code."""
    conn = rq_queue.connection()
    conn.ping()
    warm_up()
    from batch_core.engine.limits import install as install_provider_limits  # after the fork set-up
    install_provider_limits()
    if count <= 1:
        worker = FleetWorker([rq_queue.QUEUE_NAME], connection=conn)
        worker.work(burst=burst, logging_level=log_level, with_scheduler=False)
        return 0
    pool = WorkerPool([rq_queue.QUEUE_NAME], connection=conn, num_workers=count,
                      worker_class=FleetWorker)
    pool.start(burst=burst, logging_level=log_level)
    return 0
