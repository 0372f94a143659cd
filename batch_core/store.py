"""All Redis key names and Redis I/O of the app (see docs/architecture.md for the layout)."""
from __future__ import annotations

import functools
import hashlib
import json
import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, TypeVar

import redis
from redis.commands.core import Script

from batch_core import store_scripts
from batch_core.config import settings
from batch_core.models import MeetingIn, MeetingRecord, MeetingRow, MeetingState, Tier
from batch_core.redis_server import get_client, unavailable

F = TypeVar("F", bound=Callable[..., Any])

_COUNTERS = tuple(state.value for state in MeetingState)
_INT_FIELDS = ("total", *_COUNTERS)


def batch_key(batch_id: str) -> str:
    return f"batch:{batch_id}"


def results_key(batch_id: str) -> str:
    return f"batch:{batch_id}:results"


def items_key(batch_id: str) -> str:
    return f"batch:{batch_id}:items"


BATCHES_KEY = "batches"


def meeting_key(tier: str, meeting_id: str) -> str:
    return f"meeting:{tier}:{meeting_id}"


def meetings_key(tier: str) -> str:
    return f"meetings:{tier}"


def normalise_title(title: str) -> str:
    return " ".join(title.casefold().split())


def title_key(tier: str, title: str) -> str:
    digest = hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()
    return f"meetings:{tier}:title:{digest}"


def meeting_tier_key(meeting_id: str) -> str:
    return f"meeting_tier:{meeting_id}"


def field(index: int) -> str:
    return f"{index:04d}"


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def storage(func: F) -> F:
    """Turn redis-py connection failures into a friendly StorageUnavailable."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise unavailable(exc) from exc
    return wrapper  # type: ignore[return-value]


_scripts: dict[str, Script] = {}


def _script(name: str) -> Script:
    if name not in _scripts:
        # bytes: the SHA is computed without a client, any client can run it later
        _scripts[name] = Script(None, getattr(store_scripts, name).encode("utf-8"))  # type: ignore[arg-type]
    return _scripts[name]


def _keys(batch_id: str) -> list[str]:
    return [batch_key(batch_id), results_key(batch_id), items_key(batch_id)]


# ---------------------------------------------------------------- batches

@storage
def create_batch(batch_id: str, submitted_at: str, on_duplicate: str, owner: str,
                 lease_until: float, rows: list[MeetingRow], items: dict[int, str]) -> None:
    """Store a new batch: header, one row per meeting, and the inputs still to be processed."""
    counts = {state: 0 for state in _COUNTERS}
    for row in rows:
        counts[row.status.value] += 1
    done = counts["queued"] == 0 and counts["processing"] == 0
    header: dict[str, Any] = {
        "batch_id": batch_id, "total": len(rows), "submitted_at": submitted_at,
        "status": "completed" if done else "processing", "on_duplicate": on_duplicate,
        "owner": owner, "lease_until": f"{lease_until:.3f}", **counts,
    }
    if done:
        header["finished_at"] = submitted_at
    pipe = get_client().pipeline(transaction=True)
    pipe.hset(batch_key(batch_id), mapping=header)
    pipe.hset(results_key(batch_id), mapping={field(r.index): r.model_dump_json() for r in rows})
    if items:
        pipe.hset(items_key(batch_id), mapping={field(i): text for i, text in items.items()})
    pipe.zadd(BATCHES_KEY, {batch_id: time.time()})
    if done:
        for key in _keys(batch_id):
            pipe.expire(key, settings().result_ttl_seconds)
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
    headers = []
    for batch_id, raw in zip(ids, pipe.execute()):
        if raw:
            headers.append(_decode_header(raw))
        else:
            client.zrem(BATCHES_KEY, batch_id)  # expired with its TTL
    return headers


@storage
def batch_ids_in_progress() -> list[str]:
    client = get_client()
    ids = client.zrange(BATCHES_KEY, 0, -1)
    pipe = client.pipeline(transaction=False)
    for batch_id in ids:
        pipe.hget(batch_key(batch_id), "status")
    return [b for b, status in zip(ids, pipe.execute()) if status == "processing"]


@storage
def get_item(batch_id: str, index: int) -> MeetingIn | None:
    raw = get_client().hget(items_key(batch_id), field(index))
    return MeetingIn.model_validate_json(raw) if raw else None


@storage
def get_row(batch_id: str, index: int) -> dict[str, Any] | None:
    raw = get_client().hget(results_key(batch_id), field(index))
    return json.loads(raw) if raw else None


@storage
def transition(batch_id: str, index: int, from_states: Iterable[MeetingState],
               to_state: MeetingState, patch: dict[str, Any] | None = None, *,
               owner: str = "", add_attempts: int = 0,
               drop_item: bool = False) -> dict[str, Any] | None:
    """Move one row between states (and the counters with it); None if it was not in from_states."""
    result = _script("TRANSITION")(
        keys=_keys(batch_id),
        args=[field(index), ",".join(s.value for s in from_states), to_state.value,
              json.dumps(patch or {}), utc_now(), settings().result_ttl_seconds, owner,
              int(add_attempts), "1" if drop_item else "0"],
        client=get_client(),
    )
    return json.loads(result) if result else None


@storage
def bulk_transition(batch_id: str, from_states: Iterable[MeetingState], to_state: MeetingState,
                    patch: dict[str, Any] | None = None, *, mode: str = "", reason: str = "",
                    drop_item: bool = False) -> list[int]:
    """Move every row in from_states; returns the indexes that moved."""
    result = _script("BULK")(
        keys=_keys(batch_id),
        args=[",".join(s.value for s in from_states), to_state.value, json.dumps(patch or {}),
              utc_now(), settings().result_ttl_seconds, mode, reason,
              "1" if drop_item else "0"],
        client=get_client(),
    )
    return sorted(int(f) for f in result) if result else []


@storage
def adopt(batch_id: str, owner: str, lease_until: float) -> str | None:
    """Take over a batch whose lease expired; returns the previous owner, None if not taken."""
    result = _script("ADOPT")(
        keys=_keys(batch_id),
        args=[owner, f"{time.time():.3f}", f"{lease_until:.3f}", utc_now(),
              settings().result_ttl_seconds],
        client=get_client(),
    )
    return None if result is None or result is False else str(result)


@storage
def heartbeat(batch_id: str, owner: str, lease_until: float) -> bool:
    return bool(_script("HEARTBEAT")(keys=[batch_key(batch_id)],
                                     args=[owner, f"{lease_until:.3f}"], client=get_client()))


@storage
def set_owner(batch_id: str, owner: str, lease_until: float) -> None:
    get_client().hset(batch_key(batch_id), mapping={"owner": owner,
                                                    "lease_until": f"{lease_until:.3f}"})


@storage
def queued_indexes(batch_id: str) -> list[int]:
    raw = get_client().hgetall(results_key(batch_id))
    return sorted(int(k) for k, v in raw.items() if json.loads(v)["status"] == "queued")


# ---------------------------------------------------------------- meetings

@storage
def save_record(record: MeetingRecord) -> None:
    """Store (or overwrite: ids are deterministic) a processed meeting and its indexes."""
    tier = record.tier.value
    processed = parse_time(record.processed_at) or datetime.now(timezone.utc)
    pipe = get_client().pipeline(transaction=True)
    pipe.set(meeting_key(tier, record.meeting_id), record.model_dump_json())
    pipe.zadd(meetings_key(tier), {record.meeting_id: processed.timestamp()})
    pipe.sadd(title_key(tier, record.title), record.meeting_id)
    pipe.set(meeting_tier_key(record.meeting_id), tier)
    pipe.execute()


@storage
def load_record(meeting_id: str) -> dict[str, Any] | None:
    client = get_client()
    tier = client.get(meeting_tier_key(meeting_id))
    if not tier:
        return None
    raw = client.get(meeting_key(tier, meeting_id))
    return json.loads(raw) if raw else None


@storage
def delete_record(meeting_id: str) -> bool:
    record = load_record(meeting_id)
    if record is None:
        return False
    tier = record["tier"]
    pipe = get_client().pipeline(transaction=True)
    pipe.delete(meeting_key(tier, meeting_id))
    pipe.zrem(meetings_key(tier), meeting_id)
    pipe.srem(title_key(tier, record["title"]), meeting_id)
    pipe.delete(meeting_tier_key(meeting_id))
    pipe.execute()
    return True


@storage
def ids_with_title(tier: str, title: str) -> list[str]:
    """Stored meetings whose normalised title matches, oldest first."""
    client = get_client()
    members = client.smembers(title_key(tier, title))
    if not members:
        return []
    pipe = client.pipeline(transaction=False)
    for meeting_id in members:
        pipe.zscore(meetings_key(tier), meeting_id)
    scored = [(score, m) for m, score in zip(members, pipe.execute()) if score is not None]
    return [m for _, m in sorted(scored)]


@storage
def recent_records(tiers: Iterable[Tier], limit: int,
                   keep: Callable[[dict[str, Any]], bool] = lambda record: True,
                   ) -> list[dict[str, Any]]:
    """Newest processed meetings across tiers (full records) for which keep() is true."""
    client = get_client()
    scored: list[tuple[float, str, str]] = []
    for tier in tiers:
        for meeting_id, score in client.zrevrange(meetings_key(tier.value), 0, -1,
                                                  withscores=True):
            scored.append((score, tier.value, meeting_id))
    scored.sort(reverse=True)
    records = []
    for start in range(0, len(scored), 200):
        chunk = scored[start:start + 200]
        raws = client.mget([meeting_key(t, m) for _, t, m in chunk])
        records.extend(r for r in (json.loads(raw) for raw in raws if raw) if keep(r))
        if len(records) >= limit:
            break
    return records[:limit]


# ---------------------------------------------------------------- HTTP API idempotency keys

def idempotency_key(key: str) -> str:
    return f"idempotency:{hashlib.sha256(key.encode('utf-8')).hexdigest()}"


@storage
def idempotency_reserve(key: str, ttl_seconds: int) -> str | None:
    """None if this call reserved the key; else the stored value ("" = still in flight)."""
    client = get_client()
    if client.set(idempotency_key(key), "", nx=True, ex=ttl_seconds):
        return None
    value = client.get(idempotency_key(key))
    return value if value is not None else ""


@storage
def idempotency_save(key: str, value: str, ttl_seconds: int) -> None:
    get_client().set(idempotency_key(key), value, ex=ttl_seconds)


@storage
def idempotency_release(key: str) -> None:
    get_client().delete(idempotency_key(key))
