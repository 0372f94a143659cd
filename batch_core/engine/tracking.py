"""What this process has queued or is running, and which batches lost their writes.

The pool registers each task here before it runs (so the recovery scan knows a task will
come) and run_tracked wraps process_meeting to remember a storage loss for its batch.
"""
from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from typing import Callable, Iterator

from batch_core.engine.processing import process_meeting
from batch_core.models import MeetingState
from batch_core.store import retry as redis_retry


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

    def reset(self) -> None:
        with self._lock:
            self._pending.clear()
            self._running.clear()
            self._lost.clear()


tracker = _Tracker()


def run_tracked(batch_id: str, index: int, answered: Callable[[], None] = lambda: None) -> MeetingState | None:
    """The task the pool schedules: process_meeting, remembering a storage loss for its batch.

    The runner calls tracker.scheduled(batch_id, index) when it queues this task.
    """
    with tracker.running(batch_id, index):
        if tracker.is_lost(batch_id):
            return None  # left queued: settle() fails it once Redis is back
        redis_retry.forget_thread_loss()
        state = process_meeting(batch_id, index, answered)
        if redis_retry.thread_lost_storage():
            tracker.mark_lost(batch_id)
    return state


