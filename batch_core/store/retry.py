"""Ride out short Redis outages: retry storage calls with backoff for a bounded window.

A redis-server restart or a network blip should not fail a batch, so the engine wraps every
state write in `call_with_retry`. The window is `BATCH_REDIS_RETRY_SECONDS` (default 30 s). Once
a call has used up the whole window the process remembers that storage is down, so later calls
fail at once instead of each waiting another window; the first call that gets through clears it.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, TypeVar

import redis
from tenacity import (Retrying, retry_if_exception_type, stop_after_delay,
                      wait_exponential_jitter)

from batch_core.config import settings
from batch_core.errors import StorageUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

# Connection-level failures only: a Lua error or a wrong type is a bug, not an outage.
RETRYABLE = (redis.ConnectionError, redis.TimeoutError, StorageUnavailable)
_FIRST_WAIT_SECONDS = 0.05
_MAX_WAIT_SECONDS = 2.0


class StorageLost(StorageUnavailable):
    """Redis stayed unreachable for the whole retry window."""


class _Outage:
    """Process-wide memory of a storage outage that outlasted the retry window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None

    def mark(self) -> None:
        with self._lock:
            if self._since is None:
                self._since = time.monotonic()

    def clear(self) -> None:
        with self._lock:
            self._since = None

    @property
    def active(self) -> bool:
        return self._since is not None


outage = _Outage()
_thread = threading.local()


def forget_thread_loss() -> None:
    _thread.lost = False


def thread_lost_storage() -> bool:
    """True if a call on this thread gave up on Redis since forget_thread_loss()."""
    return bool(getattr(_thread, "lost", False))


def call_with_retry(fn: Callable[..., T], *args, window: float | None = None, **kwargs) -> T:
    """fn(*args, **kwargs), retried on connection errors for up to `window` seconds.

    Raises StorageLost when Redis is still unreachable at the end of the window, or at once if
    an earlier call already gave up and Redis has not answered since.
    """
    if outage.active:
        try:
            result = fn(*args, **kwargs)
        except RETRYABLE as exc:
            _thread.lost = True
            raise StorageLost(f"storage unavailable: {exc}") from exc
        outage.clear()
        return result
    seconds = settings().redis_retry_seconds if window is None else window
    retrying = Retrying(
        retry=retry_if_exception_type(RETRYABLE),
        stop=stop_after_delay(seconds),
        wait=wait_exponential_jitter(initial=_FIRST_WAIT_SECONDS, max=_MAX_WAIT_SECONDS),
        before_sleep=_log_retry,
        reraise=True,
    )
    try:
        return retrying(fn, *args, **kwargs)
    except RETRYABLE as exc:
        outage.mark()
        _thread.lost = True
        raise StorageLost(
            f"storage unavailable: Redis did not come back within {seconds:g} s ({exc})"
        ) from exc


def _log_retry(state) -> None:
    if state.attempt_number in (1, 10, 50):
        log.warning("Redis call failed (%s); retrying", state.outcome.exception())
