"""Processed meetings (MeetingRecord JSON, never expiring) and their tier/title indexes."""
from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from batch_core.models import MeetingRecord, Tier
from batch_core.store.client import get_client
from batch_core.store.common import parse_time, storage
from batch_core.store.board import board_entry
from batch_core.store.keys import (board_key, board_state_key, content_key, meeting_key, meeting_tier_key,
                                   meetings_key, meetings_version_key, search_key, speaker_names_key, summaries_key,
                                   title_digest, title_key)
from batch_core.store.search_redis import index_document, keeps_search_hashes


def _record_digest(tier: str, record: dict[str, Any]) -> str:
    return record.get("title_digest") or title_digest(tier, record["title"])


def record_summary(record: dict[str, Any]) -> dict[str, Any]:
    """What a listing shows of a meeting: a few hundred bytes instead of the whole record."""
    insights = record.get("insights") or {}
    return {
        "meeting_id": record["meeting_id"], "title": record["title"], "tier": record["tier"],
        "batch_id": record.get("batch_id"), "processed_at": record.get("processed_at"),
        "meeting_date": record.get("meeting_date"), "source_name": record.get("source_name"),
        "provider": record.get("provider"), "model": record.get("model"),
        "speakers": record.get("speakers", []), "word_count": record.get("word_count"),
        "duration_seconds": record.get("duration_seconds"), "redacted": record.get("redacted"),
        "summary": insights.get("summary", ""),
        **{f"{name}_count": len(insights.get(name) or [])
           for name in ("decisions", "action_items", "key_topics", "open_questions")},
    }


@storage
def save_record(record: MeetingRecord) -> None:
    """Store (or overwrite: ids are deterministic) a processed meeting and its indexes."""
    tier = record.tier.value
    processed = parse_time(record.processed_at) or datetime.now(timezone.utc)
    client = get_client()
    pipe = client.pipeline(transaction=True)
    pipe.set(meeting_key(tier, record.meeting_id), record.model_dump_json())
    pipe.zadd(meetings_key(tier), {record.meeting_id: processed.timestamp()})
    pipe.sadd(title_key(tier, record.title_digest or title_digest(tier, record.title)), record.meeting_id)
    if record.content_digest:
        pipe.sadd(content_key(tier, record.content_digest), record.meeting_id)
    pipe.set(meeting_tier_key(record.meeting_id), tier)
    dumped = record.model_dump(mode="json")
    pipe.hset(board_key(tier), record.meeting_id, board_entry(dumped))
    pipe.hset(summaries_key(tier), record.meeting_id, json.dumps(record_summary(dumped)))
    if keeps_search_hashes(client):
        pipe.hset(search_key(tier, record.meeting_id), mapping=index_document(dumped))
    pipe.incr(meetings_version_key(tier))
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
    done_marks = [f for f in get_client().hkeys(board_state_key(tier)) if f.startswith(meeting_id + ":")]
    pipe = get_client().pipeline(transaction=True)
    pipe.delete(meeting_key(tier, meeting_id))
    pipe.zrem(meetings_key(tier), meeting_id)
    pipe.srem(title_key(tier, _record_digest(tier, record)), meeting_id)
    if record.get("content_digest"):
        pipe.srem(content_key(tier, record["content_digest"]), meeting_id)
    pipe.delete(meeting_tier_key(meeting_id))
    pipe.hdel(board_key(tier), meeting_id)
    pipe.hdel(speaker_names_key(tier), meeting_id)
    pipe.hdel(summaries_key(tier), meeting_id)
    pipe.delete(search_key(tier, meeting_id))
    pipe.incr(meetings_version_key(tier))
    if done_marks:
        pipe.hdel(board_state_key(tier), *done_marks)
    pipe.execute()
    return True


def ids_with_title(tier: str, title: str) -> list[str]:
    """Stored meetings whose normalised (raw) title matches, oldest first."""
    return ids_with_title_digest(tier, title_digest(tier, title))


def ids_with_title_digest(tier: str, digest: str) -> list[str]:
    return _stored_members(tier, title_key(tier, digest))


def ids_with_content_digest(tier: str, digest: str) -> list[str]:
    """Stored meetings with the same content digest (store/keys.content_digest), oldest first."""
    return _stored_members(tier, content_key(tier, digest))


@storage
def _stored_members(tier: str, index_key: str) -> list[str]:
    client = get_client()
    members = client.smembers(index_key)
    if not members:
        return []
    pipe = client.pipeline(transaction=False)
    for meeting_id in members:
        pipe.zscore(meetings_key(tier), meeting_id)
    scored = [(score, m) for m, score in zip(members, pipe.execute()) if score is not None]
    return [m for _, m in sorted(scored)]


@storage
def count_records(tiers: Iterable[Tier]) -> dict[str, int]:
    """Stored meetings per tier, from the index (ZCARD), never by reading records."""
    pipe = get_client().pipeline(transaction=False)
    names = [tier.value for tier in tiers]
    for name in names:
        pipe.zcard(meetings_key(name))
    return dict(zip(names, (int(n) for n in pipe.execute())))


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


_DEEP_OFFSET = 1000  # beyond this, a page over several tiers is found by score, not by reading the ids before it


def _newest(client: Any, tiers: list[str], offset: int, limit: int, bounded: bool) -> list[tuple[float, str, str]]:
    """(score, tier, id) newest first: just the window [offset, offset + limit) when bounded."""
    if bounded and len(tiers) > 1 and offset > _DEEP_OFFSET:
        return _window_by_score(client, tiers, offset, limit)
    stop = offset + limit - 1 if bounded else -1
    single = bounded and len(tiers) == 1
    scored: list[tuple[float, str, str]] = []
    for tier in tiers:
        members = client.zrevrange(meetings_key(tier), offset if single else 0, stop, withscores=True)
        scored.extend((score, tier, meeting_id) for meeting_id, score in members)
    scored.sort(reverse=True)
    return scored if single or not bounded else scored[offset:offset + limit]


def _window_by_score(client: Any, tiers: list[str], offset: int, limit: int) -> list[tuple[float, str, str]]:
    """A deep page over several tiers: bisect for the score of the offset-th newest meeting (ZCOUNT,
    about 64 round trips of one pipeline each), then read only from that score down."""
    keys = [meetings_key(tier) for tier in tiers]

    def at_least(score: float) -> int:
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.zcount(key, score, "+inf")
        return sum(pipe.execute())

    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.zrange(key, 0, 0, withscores=True)
        pipe.zrevrange(key, 0, 0, withscores=True)
    ends = [found[0][1] for found in pipe.execute() if found]
    need = offset + 1
    if not ends or at_least(min(ends)) < need:
        return []
    low, high = min(ends), max(ends)  # at_least(low) >= need throughout
    while low < high:
        middle = low + (high - low) / 2
        if middle <= low:
            middle = high  # adjacent doubles
        if at_least(middle) >= need:
            low = middle
        else:
            high = math.nextafter(middle, -math.inf)
    skip = offset - at_least(math.nextafter(low, math.inf))
    scored: list[tuple[float, str, str]] = []
    for tier, key in zip(tiers, keys):
        members = client.zrevrangebyscore(key, low, "-inf", start=0, num=skip + limit, withscores=True)
        scored.extend((score, tier, meeting_id) for meeting_id, score in members)
    scored.sort(reverse=True)
    return scored[skip:skip + limit]


@storage
def recent_summaries(tiers: Iterable[Tier], limit: int,
                     keep: Callable[[dict[str, Any]], bool] | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Newest processed meetings across tiers, as listing summaries, from the `offset`-th on (of
    those keep() is true for). Without keep() only that window of ids is read; never whole
    records (a meeting stored before summaries existed gets its summary made once from its record)."""
    client = get_client()
    scored = _newest(client, [tier.value for tier in tiers], offset, limit, bounded=keep is None)
    skip = offset if keep is not None else 0
    found: list[dict[str, Any]] = []
    for start in range(0, len(scored), 500):
        chunk = scored[start:start + 500]
        pipe = client.pipeline(transaction=False)
        for _, tier, meeting_id in chunk:
            pipe.hget(summaries_key(tier), meeting_id)
        for (_, tier, meeting_id), raw in zip(chunk, pipe.execute()):
            summary = json.loads(raw) if raw else _backfill_summary(client, tier, meeting_id)
            if summary is None or (keep is not None and not keep(summary)):
                continue
            if skip:
                skip -= 1
                continue
            found.append(summary)
        if len(found) >= limit:
            break
    return found[:limit]


def _backfill_summary(client: Any, tier: str, meeting_id: str) -> dict[str, Any] | None:
    raw = client.get(meeting_key(tier, meeting_id))
    if not raw:
        return None
    summary = record_summary(json.loads(raw))
    client.hset(summaries_key(tier), meeting_id, json.dumps(summary))
    return summary
