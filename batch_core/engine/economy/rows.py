"""Row writes of economy meetings: what sending and collecting both do to a meeting's row."""
from __future__ import annotations

import time
from typing import Any

from batch_core import store
from batch_core.engine.identity import owner_id
from batch_core.models import Stage
from batch_core.store.retry import call_with_retry


def show_stage(batch_id: str, index: int, stage: Stage, **extra: Any) -> None:
    call_with_retry(store.update_running, batch_id, index, {"stage": stage.value, **extra}, owner_id())


def fail(batch_id: str, index: int, message: str, attempts: int = 0) -> None:
    """The meeting failed with `message` (already free of raw sensitive text)."""
    call_with_retry(store.fail, batch_id, index,
                    {"error": message, "finished_at": store.utc_now(), "progress": None},
                    owner=owner_id(), add_attempts=attempts)


def cancel(batch_id: str, index: int) -> None:
    call_with_retry(store.cancel_running, batch_id, index,
                    {"finished_at": store.utc_now(), "stage": None, "progress": None,
                     "error": "canceled: its requests were canceled at the provider"}, owner_id())


def elapsed_ms(row: dict[str, Any]) -> float | None:
    started = store.parse_time(row.get("started_at"))
    if started is None:
        return None
    return round((time.time() - started.timestamp()) * 1000, 2)
