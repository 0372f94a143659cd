"""The engine's process-wide state, listed in one place, with the one reset() that clears it.

Each piece lives next to the code that uses it; this module is the inventory:
- identity.OWNER                 this process's owner id (renewed after a fork)
- pool._runner, pool.auto_resume the thread pool with its heartbeat, and whether it adopts batches
- tracking.tracker               tasks queued or running here, batches whose writes were lost
- key_probe.gate                 which API keys are proven, which batches' keys were rejected
- limits._renewer                the thread renewing this process's provider-call slots
- cpu_turns.cpu_turn             whose turn it is for the compute steps (free between meetings)
- warming._thread, provider_ready  the once-per-process warm-up (loaded modules stay loaded)
- pipeline.retry attempt guard   the fleet limits around each provider attempt (limits.install)
- store.client._client           the shared Redis client
- executors.rq_queue connection  the RQ queue's connection
"""
from __future__ import annotations

from batch_core.engine import pool
from batch_core.engine.key_probe import gate
from batch_core.engine.tracking import tracker
from batch_core.store import client


def reset(wait: bool = True) -> None:
    """Drain the pool and forget every piece of process state (tests, or settings changes)."""
    pool.reset(wait=wait)
    tracker.reset()
    gate.reset()
    client.reset_client()
    from batch_core.executors import rq_queue  # RQ loads only where it is used
    rq_queue.reset_connection()
