"""Writing the access audit: one entry per access to a sensitive meeting (store/audit.py keeps it).

Views are recorded at most once per principal, meeting and five minutes in one process: a
dashboard page reruns on every click, and a thousand identical "viewed" lines would hide the one
that matters. Downloads, reprocessing and deletions are recorded every time.
"""
from __future__ import annotations

import threading
import time

from batch_core import store
from batch_core.access.principals import Principal

VIEW_WINDOW_SECONDS = 300.0
_recent: dict[tuple[str, str, str, str], float] = {}
_lock = threading.Lock()


def _seen_recently(key: tuple[str, str, str, str]) -> bool:
    now = time.monotonic()
    with _lock:
        if len(_recent) > 10_000:
            _recent.clear()
        last = _recent.get(key)
        _recent[key] = now
    return last is not None and now - last < VIEW_WINDOW_SECONDS


def record(principal: Principal, action: str, *, meeting_id: str = "", batch_id: str = "",
           tier: str = "sensitive", detail: str = "") -> None:
    if action == "view" and _seen_recently((principal.name, principal.via, action, meeting_id)):
        return
    store.append_audit(principal.name, ",".join(sorted(r.value for r in principal.roles)),
                       principal.via, action, meeting_id=meeting_id, batch_id=batch_id,
                       tier=tier, detail=detail)


def forget_recent() -> None:
    """Tests: start each one with no remembered views."""
    with _lock:
        _recent.clear()
