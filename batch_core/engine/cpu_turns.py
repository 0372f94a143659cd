"""One worker thread at a time runs the pipeline's compute steps, and a meeting about to send its
request goes before one that is finishing after its answer.

The pool's threads spend most of a meeting waiting for the provider, and the few milliseconds of
Python around each call all need the one GIL. When several answers arrive at the same instant,
CPython shares the GIL round-robin (every 5 ms and at every Redis round trip), so each of those
threads finishes its work only when all of them have: with ten workers every round of calls paid
the whole group's CPU, again and again. Taking turns lets the first thread through finish at
once. Sending first keeps the provider busy: the next meeting's claim, parse and request go out
before the last one's sentiment and store, which then run while that request is at the provider
(the pool keeps threads beyond BATCH_MAX_WORKERS for them; engine/pool.py).

Nothing runs slower for it: the GIL already allowed one of these steps at a time. A sender holds
its turn until its request leaves (pipeline/leaving.py); the provider's wait, fleet-limit waits
and the local provider's extraction stay outside a turn.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator


class Turns:
    """A lock whose urgent waiters go first."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy = False
        self._urgent_waiting = 0
        self._urgent_taken = 0  # how many urgent turns have begun, for after_urgent()

    @contextmanager
    def __call__(self, urgent: bool = False) -> Iterator[None]:
        held = self.hold(urgent)
        try:
            yield
        finally:
            held.release()

    def hold(self, urgent: bool = False) -> "Held":
        """Wait for the turn and hold it until the returned Held is released."""
        with self._changed:
            self._urgent_waiting += urgent
            while self._busy or (not urgent and self._urgent_waiting):
                self._changed.wait()
            self._urgent_waiting -= urgent
            self._urgent_taken += urgent
            self._busy = True
            if urgent:
                self._changed.notify_all()  # for after_urgent()
        return Held(self._give_back)

    def _give_back(self) -> None:
        with self._changed:
            self._busy = False
            self._changed.notify_all()


    def urgent_begun(self) -> int:
        """How many urgent turns have begun so far (to pass to after_urgent)."""
        with self._changed:
            return self._urgent_taken

    def after_urgent(self, begun: int, timeout: float) -> None:
        """Wait until an urgent turn beyond the `begun` first ones has begun (one a thread is
        waking up to ask for), or for `timeout` seconds: the caller, about to ask for a turn of
        its own, lets that thread go first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._urgent_taken == begun and (left := deadline - time.monotonic()) > 0:
                self._changed.wait(left)

class Held:
    """Something held (a turn, a semaphore's place) that release() gives back once, however often
    it is called."""

    def __init__(self, give_back: Callable[[], None]) -> None:
        self._give_back: Callable[[], None] | None = give_back
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            give_back, self._give_back = self._give_back, None
        if give_back is not None:
            give_back()


cpu_turn = Turns()
