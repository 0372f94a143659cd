"""Limits on provider calls shared by every process of the fleet, through Redis.

Two independent limits, both off by default (0):
- `LLM_MAX_CONCURRENCY`: at most N provider HTTP attempts in flight across all workers and machines.
  A Redis sorted set of holders, each with an expiry that its process keeps renewing; a worker that
  is killed stops renewing, so its slot frees itself within `SLOT_TTL_SECONDS`.
- `LLM_RPM`: a requests-per-minute budget. Each attempt reserves the next send time in one Lua
  script (GCRA: one "theoretical arrival time" key, Redis's own clock), then sleeps until it, so
  requests leave evenly spaced instead of in bursts that collect 429s.

The provider call path wraps every HTTP attempt in `with provider_slot(): ...`. With both limits
off it is a no-op that never touches Redis.
"""
from __future__ import annotations

import logging
import os
import random
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

from batch_core.config import settings
from batch_core.pipeline.retry import set_attempt_guard
from batch_core.store import fleet

log = logging.getLogger(__name__)

# Pace a little under the budget: network and scheduling jitter can otherwise squeeze two
# requests closer together than the provider's window allows.
PACE_FRACTION = 0.97
# A holder's slot expires this long after its last renewal (a killed worker leaks it no longer).
SLOT_TTL_SECONDS = 15.0
# Waiting for a concurrency slot polls Redis; jittered so waiters do not move in lockstep.
_POLL_MIN_SECONDS = 0.02
_POLL_MAX_SECONDS = 0.1

def rpm_interval_ms(rpm: int) -> int:
    """Milliseconds between two requests of the fleet for a budget of `rpm` per minute."""
    if rpm <= 0:
        raise ValueError(f"LLM_RPM must be a positive number of requests per minute, got {rpm}")
    return max(1, int(round(60_000 / (rpm * PACE_FRACTION))))


class _Renewer:
    """One daemon thread per process that keeps this process's held slots alive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def add(self, token: str) -> None:
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's tokens and thread are not ours
                self._tokens, self._thread, self._pid = set(), None, os.getpid()
            self._tokens.add(token)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="llm-slot-renewer", daemon=True)
                self._thread.start()

    def discard(self, token: str) -> None:
        with self._lock:
            self._tokens.discard(token)

    def _run(self) -> None:
        while True:
            # Re-read each round: never sleep past a third of the (possibly changed) expiry.
            time.sleep(min(SLOT_TTL_SECONDS / 3, 1.0))
            with self._lock:
                tokens = list(self._tokens)
            if not tokens:
                continue
            try:
                fleet.renew_slots(tokens, int(SLOT_TTL_SECONDS * 1000))
            except Exception as exc:  # a missed renewal only risks the slot expiring early
                log.warning("could not renew LLM concurrency slots: %s", exc)


_renewer = _Renewer()


def try_acquire_slot(limit: int, token: str) -> bool:
    """Take one of `limit` fleet-wide slots for `token` if one is free (never waits)."""
    return fleet.acquire_slot(limit, token, int(SLOT_TTL_SECONDS * 1000))


def release_slot(token: str) -> None:
    _renewer.discard(token)
    fleet.release_slot(token)


def reserve_send_time(rpm: int) -> tuple[int, float]:
    """Reserve the fleet's next send time for a budget of `rpm`: (send_at_ms on Redis's clock,
    seconds to wait from now)."""
    return fleet.reserve_send_time(rpm_interval_ms(rpm))


def slots_in_use() -> int:
    """How many provider calls hold a concurrency slot right now (expired holders excluded)."""
    return fleet.slots_in_use()


@contextmanager
def provider_slot() -> Iterator[None]:
    """Wait for the fleet's concurrency and rate limits, then let one provider HTTP attempt run."""
    config = settings()
    limit, rpm = config.llm_max_concurrency, config.llm_rpm
    if limit <= 0 and rpm <= 0:
        yield
        return
    token = None
    if limit > 0:
        token = f"{os.getpid()}:{uuid.uuid4().hex}"
        # Registered before the first try so a slot taken is always renewed.
        _renewer.add(token)
        while not try_acquire_slot(limit, token):
            time.sleep(random.uniform(_POLL_MIN_SECONDS, _POLL_MAX_SECONDS))
    try:
        # The concurrency slot is taken first: a request that waited for its send time then goes
        # out at that time, never bunched up behind other delayed ones.
        if rpm > 0:
            _, delay = reserve_send_time(rpm)
            if delay:
                time.sleep(delay)
        yield
    finally:
        if token is not None:
            try:
                release_slot(token)
            except Exception as exc:  # the slot expires on its own within SLOT_TTL_SECONDS
                log.warning("could not release an LLM concurrency slot: %s", exc)


def install() -> None:
    """Put `provider_slot` around every provider HTTP attempt of this process (the pipeline's
    attempt-guard hook keeps the pipeline itself free of Redis). Idempotent."""
    set_attempt_guard(provider_slot)
