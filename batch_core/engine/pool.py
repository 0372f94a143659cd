"""The per-process worker pool shared by every batch, and lease heartbeats for the batches it runs.

One ThreadPoolExecutor (BATCH_MAX_WORKERS threads) serves all batches of the process, so
concurrent batches never exceed the configured concurrency toward the provider. Redis is the
source of truth for what is left to do: a task only names (batch_id, index) and claims the
meeting atomically before running it (see processing.py).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Iterable

from batch_core import store
from batch_core.config import settings
from batch_core.engine import economy, recovery
from batch_core.engine.cpu_turns import Held, cpu_turn
from batch_core.engine.identity import lease_deadline, owner_id, owner_is_gone
from batch_core.engine.limits import install as install_provider_limits
from batch_core.engine.warming import start_warm_up
from batch_core.engine.tracking import run_tracked, tracker
from batch_core.models import BatchMode, MeetingState

log = logging.getLogger(__name__)


# Short-lived commands (CLI status/list/cancel) turn this off: they would adopt a batch and exit.
auto_resume = True


PRUNE_EVERY_SECONDS = 3600.0


class Runner:
    """A thread pool plus the set of batches this process owns (their leases are renewed)."""

    def __init__(self, workers: int) -> None:
        install_provider_limits()  # LLM_MAX_CONCURRENCY / LLM_RPM around each provider call
        self.workers = max(1, workers)
        # `workers` meetings at a time go from claim to answer (the concurrency toward the
        # provider); as many threads again finish answered meetings meanwhile (engine/cpu_turns.py).
        self._at_provider = threading.BoundedSemaphore(self.workers)
        self._waiting_for_place = 0
        self._next: deque[tuple[str, int]] = deque()  # one entry per task, in the order scheduled
        self._executor = ThreadPoolExecutor(max_workers=2 * self.workers,
                                            thread_name_prefix="batch-worker")
        self._lock = threading.Lock()
        self._futures: set[Future] = set()
        self._owned: set[str] = set()
        self.adopted: list[str] = []
        # Held for a whole adopt-and-schedule, so stop_adopting() never returns mid-adoption.
        self._adopt_lock = threading.Lock()
        self._adopting = True
        self._stopping = threading.Event()
        self._dropping = threading.Event()  # shutting down with the not yet started tasks canceled
        self._next_prune = 0.0
        self._heartbeat = threading.Thread(target=self._renew_leases, name="batch-heartbeat",
                                           daemon=True)
        self._heartbeat.start()
        start_warm_up()

    def schedule(self, batch_id: str, indexes: Iterable[int]) -> int:
        """Queue (batch_id, index) tasks; each claims its meeting in Redis before running.
        An economy batch gets its one thread instead (engine/economy/), which claims them all."""
        indexes = list(indexes)
        if store.batch_mode(batch_id) == BatchMode.ECONOMY.value:
            with self._lock:
                self._owned.add(batch_id)
            economy.drive(batch_id)
            return len(indexes)
        futures = []
        with self._lock:
            self._owned.add(batch_id)
            for index in indexes:
                tracker.scheduled(batch_id, index)  # so recovery knows a task will come
                self._next.append((batch_id, index))
                future = self._executor.submit(self._run_next)
                self._futures.add(future)
                futures.append(future)
        # Outside the lock: a task that already finished runs its callback right here, and
        # _forget takes the same lock.
        for future in futures:
            future.add_done_callback(self._forget)
        return len(futures)

    def _run_next(self) -> MeetingState | None:
        """One task: wait for a place at the provider, run the next meeting in submission order
        (whichever thread gets the place), and give the place up once the provider has answered."""
        with self._lock:
            self._waiting_for_place += 1
        self._at_provider.acquire()
        slot = Held(self._at_provider.release)
        with self._lock:
            self._waiting_for_place -= 1
            batch_id, index = self._next.popleft()

        def answered() -> None:
            begun = cpu_turn.urgent_begun()
            slot.release()
            with self._lock:
                next_one = self._waiting_for_place > 0
            if next_one:  # its claim and request go before this meeting's sentiment and store
                cpu_turn.after_urgent(begun, timeout=0.05)

        try:
            if self._dropping.is_set():
                return None  # as a canceled task: the meeting stays queued for a resume
            return run_tracked(batch_id, index, answered)
        finally:
            slot.release()

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._futures.discard(future)

    def pending(self) -> int:
        with self._lock:
            return len(self._futures)

    def owned_batches(self) -> set[str]:
        with self._lock:
            return set(self._owned)

    def _renew_leases(self) -> None:
        """Background loop: adopt orphaned batches at once, then renew leases and look again."""
        self._resume_quietly()
        while not self._stopping.wait(max(0.1, settings().heartbeat_seconds)):
            for batch_id in self.owned_batches():
                try:
                    still_ours = store.heartbeat(batch_id, owner_id(), lease_deadline())
                except Exception as exc:  # Redis down: the next beat tries again
                    log.warning("lease renewal for %s failed: %s", batch_id, exc)
                    continue
                if not still_ours:  # finished, expired, or adopted by another process
                    with self._lock:
                        self._owned.discard(batch_id)
            self._recover_quietly()
            self._resume_quietly()
            self._prune_quietly()

    def _prune_quietly(self) -> None:
        """Hourly: forget index entries of batches that expired (they are never read otherwise
        once they fall behind the newest page)."""
        now = time.monotonic()
        if now < self._next_prune:
            return
        self._next_prune = now + PRUNE_EVERY_SECONDS
        try:
            store.prune_batch_index(older_than_seconds=settings().result_ttl_seconds)
        except Exception as exc:
            log.warning("pruning the batch index failed: %s", exc)

    def _recover_quietly(self) -> None:
        """Settle batches hit by a long Redis outage; re-queue our meetings whose state was lost."""
        try:
            recovery.scan(self)
        except Exception as exc:
            log.warning("recovery scan failed: %s", exc)

    def _resume_quietly(self) -> None:
        if self._stopping.is_set() or not auto_resume:
            return
        try:
            self.resume_orphans()
        except Exception as exc:
            log.warning("looking for batches to resume failed: %s", exc)

    def resume_orphans(self) -> list[str]:
        """Adopt batches whose owner stopped renewing its lease, or whose owner process on this
        host is gone (no need to wait out its lease), and run what is left of them.

        Their interrupted meetings go back to the queue; completed, failed, skipped and canceled
        ones never run again. Returns the adopted batch ids.
        """
        if settings().executor != "thread":
            return []
        adopted = []
        with self._adopt_lock:
            if not self._adopting:
                return []
            for batch_id, owner in store.owners_in_progress():
                dead = owner if owner_is_gone(owner) else ""  # no need to wait out its lease
                previous = store.adopt(batch_id, owner_id(), lease_deadline(), dead_owner=dead)
                if previous is None:
                    continue
                log.warning("resuming batch %s (previous owner %s)", batch_id,
                            previous or "unknown")
                adopted.append(batch_id)
                self.adopted.append(batch_id)
                self.schedule(batch_id, store.queued_indexes(batch_id))
        return adopted

    def stop_adopting(self) -> list[str]:
        """No more adoptions by this process (it is about to exit); returns every batch it adopted.

        Leases of owned batches are still renewed, so the caller can see them through.
        """
        with self._adopt_lock:
            self._adopting = False
            return list(self.adopted)

    def shutdown(self, wait: bool = True, cancel_pending: bool = True) -> None:
        """Stop taking work. Canceled tasks stay queued in Redis, so a resume can pick them up."""
        if cancel_pending:
            self._dropping.set()
        self._stopping.set()
        economy.stop_all(wait=wait)
        self._executor.shutdown(wait=wait, cancel_futures=cancel_pending)


_runner_lock = threading.Lock()
_runner: Runner | None = None


def get_runner() -> Runner:
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = Runner(settings().max_workers)
        return _runner


def current_runner() -> Runner | None:
    return _runner


def reset(wait: bool = True) -> None:
    """Drain and drop this process's pool (tests, or after changing BATCH_MAX_WORKERS)."""
    global _runner, auto_resume
    with _runner_lock:
        runner, _runner = _runner, None
        auto_resume = True
    if runner is not None:
        runner.shutdown(wait=wait)
