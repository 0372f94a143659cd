"""Batch state in Redis: header hash, results rows, inputs, the listing index, leases.

Row status and counters change together in Lua (scripts.py); snapshot() reads header and rows
in one MULTI, so a reader never sees counts that disagree with the rows.
"""
from __future__ import annotations

import json
import time
from typing import Any, Iterable

from batch_core.store import sealing
from batch_core.config import settings
from batch_core.models import BatchEffect, MeetingIn, MeetingRow, MeetingState, QueuedInput, Tier
from batch_core.store.client import get_client
from batch_core.store.common import script, storage, utc_now
from batch_core.store.keys import (ACTIVE_BATCHES_KEY, BATCHES_KEY, batch_key, field, items_key,
                                   results_key, title_digest)

_COUNTERS = tuple(state.value for state in MeetingState)
_INT_FIELDS = ("total", *_COUNTERS)


def _keys(batch_id: str) -> list[str]:
    return [batch_key(batch_id), results_key(batch_id), items_key(batch_id), ACTIVE_BATCHES_KEY]


def _data_keys(batch_id: str) -> list[str]:
    return [batch_key(batch_id), results_key(batch_id), items_key(batch_id)]


def encode_item(item: QueuedInput) -> str:
    """A sensitive meeting's raw input is sealed; redacted or ordinary input is stored as is."""
    raw = item.model_dump_json()
    if item.meeting.tier is Tier.SENSITIVE and item.redaction is None:
        return sealing.seal(raw)
    return raw


def decode_item(raw: str) -> QueuedInput:
    text = sealing.unseal(raw)
    if '"meeting"' not in text[:20]:  # stored before inputs were wrapped: a bare MeetingIn
        meeting = MeetingIn.model_validate_json(text)
        return QueuedInput(meeting=meeting,
                           title_digest=title_digest(meeting.tier.value, meeting.title))
    return QueuedInput.model_validate_json(text)


@storage
def create_batch(batch_id: str, submitted_at: str, on_duplicate: str, owner: str,
                 lease_until: float, rows: list[MeetingRow], items: dict[int, QueuedInput],
                 mode: str = "live", name: str | None = None) -> None:
    """Store a new batch: header, one row per meeting, and the inputs still to be processed."""
    counts = {state: 0 for state in _COUNTERS}
    for row in rows:
        counts[row.status.value] += 1
    done = counts["queued"] == 0 and counts["processing"] == 0
    header: dict[str, Any] = {
        "batch_id": batch_id, "total": len(rows), "submitted_at": submitted_at,
        "status": "completed" if done else "processing", "on_duplicate": on_duplicate,
        "owner": owner, "lease_until": f"{lease_until:.3f}", **counts,
        "sensitive": sum(row.tier is Tier.SENSITIVE for row in rows), "mode": mode,
    }
    if name:
        header["name"] = name
    if done:
        header["finished_at"] = submitted_at
    pipe = get_client().pipeline(transaction=True)
    pipe.hset(batch_key(batch_id), mapping=header)
    pipe.hset(results_key(batch_id), mapping={field(r.index): r.model_dump_json() for r in rows})
    if items:
        pipe.hset(items_key(batch_id), mapping={field(i): encode_item(item)
                                                for i, item in items.items()})
    pipe.zadd(BATCHES_KEY, {batch_id: time.time()})
    if done:
        for key in _data_keys(batch_id):
            pipe.expire(key, settings().result_ttl_seconds)
    else:
        pipe.zadd(ACTIVE_BATCHES_KEY, {batch_id: time.time()})
    pipe.execute()


def _decode_header(raw: dict[str, str]) -> dict[str, Any]:
    header: dict[str, Any] = dict(raw)
    for name in _INT_FIELDS:
        header[name] = int(raw.get(name, 0) or 0)
    return header


def _decode_rows(raw: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for key in sorted(raw):
        data = json.loads(raw[key])
        rows.append(MeetingRow.model_validate(data).model_dump(mode="json"))
    return rows


@storage
def snapshot(batch_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """Header and rows read in one MULTI, so counters and rows agree."""
    pipe = get_client().pipeline(transaction=True)
    pipe.hgetall(batch_key(batch_id))
    pipe.hgetall(results_key(batch_id))
    header, rows = pipe.execute()
    if not header:
        return None
    return _decode_header(header), _decode_rows(rows)


@storage
def header(batch_id: str) -> dict[str, Any] | None:
    raw = get_client().hgetall(batch_key(batch_id))
    return _decode_header(raw) if raw else None


@storage
def list_headers(limit: int) -> list[dict[str, Any]]:
    client = get_client()
    ids = client.zrevrange(BATCHES_KEY, 0, max(limit, 1) - 1)
    pipe = client.pipeline(transaction=False)
    for batch_id in ids:
        pipe.hgetall(batch_key(batch_id))
    raws = pipe.execute()
    expired = [batch_id for batch_id, raw in zip(ids, raws) if not raw]
    if expired:  # their keys ran out with the TTL; forget them in one call
        client.zrem(BATCHES_KEY, *expired)
    return [_decode_header(raw) for raw in raws if raw]


_active_index_checked = False


def _backfill_active_index(client: Any) -> None:
    """Once per process: batches that were processing before the active index existed join it."""
    global _active_index_checked
    if _active_index_checked:
        return
    ids = client.zrange(BATCHES_KEY, 0, -1, withscores=True)
    pipe = client.pipeline(transaction=False)
    for batch_id, _ in ids:
        pipe.hget(batch_key(batch_id), "status")
    running = {b: score for (b, score), status in zip(ids, pipe.execute()) if status == "processing"}
    if running:
        client.zadd(ACTIVE_BATCHES_KEY, running, nx=True)
    _active_index_checked = True


@storage
def owners_in_progress() -> list[tuple[str, str]]:
    """(batch_id, owner) of every batch still processing, read from the active index (its size is
    the number of running batches, not of every batch kept)."""
    client = get_client()
    _backfill_active_index(client)
    ids = client.zrange(ACTIVE_BATCHES_KEY, 0, -1)
    pipe = client.pipeline(transaction=False)
    for batch_id in ids:
        pipe.hmget(batch_key(batch_id), "status", "owner")
    found, stale = [], []
    for batch_id, (status, owner) in zip(ids, pipe.execute()):
        if status == "processing":
            found.append((batch_id, owner or ""))
        else:  # ended in a way no script saw (expired, deleted by hand)
            stale.append(batch_id)
    if stale:
        client.zrem(ACTIVE_BATCHES_KEY, *stale)
    return found


@storage
def prune_batch_index(older_than_seconds: float, limit: int = 1000) -> int:
    """Drop index entries of batches whose keys have expired, oldest first, looking at most at
    `limit` entries submitted before `older_than_seconds` ago. Returns how many went."""
    client = get_client()
    cutoff = time.time() - older_than_seconds
    ids = client.zrangebyscore(BATCHES_KEY, "-inf", cutoff, start=0, num=limit)
    pipe = client.pipeline(transaction=False)
    for batch_id in ids:
        pipe.exists(batch_key(batch_id))
    gone = [batch_id for batch_id, exists in zip(ids, pipe.execute()) if not exists]
    if gone:
        client.zrem(BATCHES_KEY, *gone)
    return len(gone)


@storage
def get_item(batch_id: str, index: int) -> QueuedInput | None:
    raw = get_client().hget(items_key(batch_id), field(index))
    return decode_item(raw) if raw else None


@storage
def replace_item(batch_id: str, index: int, item: QueuedInput) -> bool:
    """Overwrite a stored input (a sensitive one, once redacted) if it is still there."""
    return bool(script("REPLACE_ITEM")(keys=[items_key(batch_id)],
                                       args=[field(index), encode_item(item)], client=get_client()))


@storage
def claim_aof_compaction(batch_id: str) -> bool:
    """True once per ended batch with sensitive meetings: the caller rewrites the AOF."""
    client = get_client()
    status, sensitive = client.hmget(batch_key(batch_id), "status", "sensitive")
    if status in (None, "processing") or not int(sensitive or 0):
        return False
    return bool(client.hsetnx(batch_key(batch_id), "aof_compacted", utc_now()))


@storage
def get_row(batch_id: str, index: int) -> dict[str, Any] | None:
    raw = get_client().hget(results_key(batch_id), field(index))
    return json.loads(raw) if raw else None


@storage
def _transition(batch_id: str, index: int, from_states: Iterable[MeetingState],
               to_state: MeetingState, patch: dict[str, Any] | None = None, *,
               owner: str = "", add_attempts: int = 0,
               drop_item: bool = False) -> dict[str, Any] | None:
    """Move one row between states (and the counters with it); None if it was not in from_states."""
    result = script("TRANSITION")(
        keys=_keys(batch_id),
        args=[field(index), ",".join(s.value for s in from_states), to_state.value,
              json.dumps(patch or {}), utc_now(), settings().result_ttl_seconds, owner,
              int(add_attempts), "1" if drop_item else "0"],
        client=get_client(),
    )
    return json.loads(result) if result else None


@storage
def _bulk_transition(batch_id: str, from_states: Iterable[MeetingState], to_state: MeetingState,
                     patch: dict[str, Any] | None = None, *, effect: BatchEffect = BatchEffect.NONE,
                     reason: str = "", drop_item: bool = False,
                     owner: tuple[str, float] | None = None) -> list[int]:
    """Move every row in from_states; returns the indexes that moved. `owner` (with a retry)
    takes the batch over in the same step, only if a row moved."""
    who, lease = (owner[0], f"{owner[1]:.3f}") if owner else ("", "")
    result = script("BULK")(
        keys=_keys(batch_id),
        args=[",".join(s.value for s in from_states), to_state.value, json.dumps(patch or {}),
              utc_now(), settings().result_ttl_seconds, effect.value, reason,
              "1" if drop_item else "0", who, lease, f"{time.time():.3f}"],
        client=get_client(),
    )
    return sorted(int(f) for f in result) if result else []


@storage
def adopt(batch_id: str, owner: str, lease_until: float, dead_owner: str = "") -> str | None:
    """Take over a batch whose lease expired (or, with `dead_owner`, whose owner is known to be
    gone and still is its owner); returns the previous owner, None if not taken."""
    result = script("ADOPT")(
        keys=_keys(batch_id),
        args=[owner, f"{time.time():.3f}", f"{lease_until:.3f}", utc_now(),
              settings().result_ttl_seconds, dead_owner],
        client=get_client(),
    )
    return None if result is None or result is False else str(result)


@storage
def heartbeat(batch_id: str, owner: str, lease_until: float) -> bool:
    return bool(script("HEARTBEAT")(keys=[batch_key(batch_id)],
                                     args=[owner, f"{lease_until:.3f}"], client=get_client()))


@storage
def set_owner(batch_id: str, owner: str, lease_until: float) -> None:
    get_client().hset(batch_key(batch_id), mapping={"owner": owner,
                                                    "lease_until": f"{lease_until:.3f}"})


@storage
def queued_indexes(batch_id: str) -> list[int]:
    raw = get_client().hgetall(results_key(batch_id))
    return sorted(int(k) for k, v in raw.items() if json.loads(v)["status"] == "queued")
