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

Nothing runs slower for it: the GIL already allowed one of these steps at a time. Provider calls,
fleet-limit waits and the local provider's extraction stay outside a turn.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator


class Turns:
    """A lock whose urgent waiters go first."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy = False
        self._urgent_waiting = 0

    @contextmanager
    def __call__(self, urgent: bool = False) -> Iterator[None]:
        with self._changed:
            self._urgent_waiting += urgent
            while self._busy or (not urgent and self._urgent_waiting):
                self._changed.wait()
            self._urgent_waiting -= urgent
            self._busy = True
        try:
            yield
        finally:
            with self._changed:
                self._busy = False
                self._changed.notify_all()


cpu_turn = Turns()
