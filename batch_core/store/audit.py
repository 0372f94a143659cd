"""The access audit: who viewed, downloaded, reprocessed or deleted which sensitive meeting.

An append-only Redis stream (`audit:access`). The app only ever adds entries; the only removal is
the retention trim on each add (XADD MINID ~, BATCH_AUDIT_RETENTION_DAYS, 400 days by default:
a year of lookback plus a margin for the yearly review). Entries hold ids, names of principals,
roles, the action and where it came from: never a title or any meeting text.
"""
from __future__ import annotations

import time
from typing import Any

from batch_core.config import settings
from batch_core.store.client import get_client
from batch_core.store.common import storage, utc_now
from batch_core.store.keys import AUDIT_KEY

AUDIT_FIELDS = ("at", "who", "roles", "via", "action", "meeting_id", "batch_id", "tier", "detail")


@storage
def append_audit(who: str, roles: str, via: str, action: str, *, meeting_id: str = "",
                 batch_id: str = "", tier: str = "", detail: str = "") -> str:
    cutoff_ms = int((time.time() - settings().audit_retention_days * 86400) * 1000)
    entry: dict[Any, Any] = {"at": utc_now(), "who": who, "roles": roles, "via": via, "action": action,
             "meeting_id": meeting_id, "batch_id": batch_id, "tier": tier, "detail": detail}
    return str(get_client().xadd(AUDIT_KEY, entry, minid=max(cutoff_ms, 0), approximate=True))


@storage
def read_audit(limit: int = 200, meeting_id: str | None = None) -> list[dict[str, Any]]:
    """Newest first. With `meeting_id`, only that meeting's entries (scanning at most 10k)."""
    client = get_client()
    entries: Any = client.xrevrange(AUDIT_KEY, count=limit if meeting_id is None else 10_000)
    rows = [{"id": entry_id, **{name: (fields or {}).get(name, "") for name in AUDIT_FIELDS}}
            for entry_id, fields in entries or []]
    if meeting_id is not None:
        rows = [row for row in rows if row["meeting_id"] == meeting_id][:limit]
    return rows
