"""The moment a thread stops computing and starts waiting outside the process: its request has
been built and is leaving for the provider, or it is about to wait for a fleet-wide limit.

The engine runs a meeting's compute steps in turns (engine/cpu_turns.py) and holds the turn
through the SDK's own work of building the request (a few milliseconds of Python that would
otherwise share the GIL with the next thread's turn). The pipeline cannot know about turns, so the
engine registers what to do at that moment with `when_leaving`, and the provider code calls
`leaving()` there: an httpx request hook on the SDK clients, the fleet-limit guard, and the local
provider (which computes instead of waiting, so it gives the turn up before it starts).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator

_local = threading.local()


@contextmanager
def when_leaving(callback: Callable[[], None]) -> Iterator[None]:
    """Call `callback` (once) the first time this thread calls leaving() inside the block."""
    _local.callback = callback
    try:
        yield
    finally:
        _local.callback = None


def leaving(*_ignored: object) -> None:
    """This thread is about to wait outside the process (an httpx hook passes the request)."""
    callback = getattr(_local, "callback", None)
    if callback is not None:
        _local.callback = None
        callback()
