"""Audit entries: one per pipeline step, with its duration and what it did."""
from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator

from batch_core.models import AuditEntry


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@contextmanager
def audited(trail: list[AuditEntry], step: str) -> Iterator[dict[str, Any]]:
    """Yields the entry's detail dict for the step to fill; appends the entry even when the step fails."""
    detail: dict[str, Any] = {}
    at = utc_now_iso()
    started = time.perf_counter()
    try:
        yield detail
    finally:
        trail.append(AuditEntry(step=step, at=at, duration_ms=round((time.perf_counter() - started) * 1000, 3),
                                detail=detail))
