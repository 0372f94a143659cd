"""Full-text search through the Redis Query Engine (FT.SEARCH), where the server has it: Redis 8,
Redis Stack, managed Redis with search, or a server with the RediSearch module loaded.

Each stored meeting has a small search hash `search:{tier}:{meeting_id}` (title, transcript,
insights text, speakers and the filter fields), written and deleted with its record in the same
MULTI (meetings.py), so every process on every host searches the same index and nothing is kept
on local disk. It holds what the record holds: for the sensitive tier the redacted text, never
more. Meetings stored before the index existed (another server, another backend) are added when
a tier's count in the index differs from `meetings:{tier}`.

Matching is the SQLite backend's: every word must occur, the last may be the start of a word,
no stemming and no stop words (so both backends find the same meetings); ranked by BM25 with
the same field weights.
"""
from __future__ import annotations

import json
import re
import time
from typing import Any, Iterable

import redis
from redis.commands.search.field import NumericField, TagField, TextField
from redis.commands.search.index_definition import IndexDefinition, IndexType
from redis.commands.search.query import Query

from batch_core.config import settings
from batch_core.store.client import get_client
from batch_core.store.common import (MARK_END, MARK_START, insights_text, marked_snippet, query_words, storage,
                                     tier_state)
from batch_core.store.keys import SEARCH_INDEX, SEARCH_PREFIX, meeting_key, meetings_key, search_key

__all__ = ["has_query_engine", "keeps_search_hashes", "index_document", "search_redis"]

_SNIPPET_FIELDS = ("transcript", "insights", "speakers")
_INDEXING_WAIT_SECONDS = 30.0
_TAG_SPECIAL = re.compile(r"([^\w])", re.UNICODE)
_capable: dict[str, bool] = {}
_index_made: set[str] = set()
_synced: dict[tuple[str, str], str] = {}


def _server(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"{kwargs.get('path') or kwargs.get('host')}:{kwargs.get('port')}/{kwargs.get('db')}"


def has_query_engine(client: redis.Redis | None = None) -> bool:
    """Whether the server answers FT._LIST (asked once per server and process)."""
    client = client or get_client()
    where = _server(client)
    if where not in _capable:
        try:
            client.execute_command("FT._LIST")
            _capable[where] = True
        except redis.ResponseError:  # "unknown command": no Query Engine
            _capable[where] = False
    return _capable[where]


def keeps_search_hashes(client: redis.Redis) -> bool:
    """Whether stores write search hashes: the server has the engine and search is not fixed to
    SQLite. The index is made at the first store of a process, so it grows with the hashes rather
    than reading them all at the first search."""
    if settings().search_backend == "sqlite" or not has_query_engine(client):
        return False
    where = _server(client)
    if where not in _index_made:
        _ensure_index(client)
        _index_made.add(where)
    return True


def index_document(record: dict[str, Any]) -> dict[str, str | int | float]:
    """The search hash of a stored record (a MeetingRecord dumped as JSON)."""
    day = (record.get("meeting_date") or record.get("processed_at") or "")[:10]
    return {
        "title": record.get("title") or "",
        "transcript": record.get("transcript") or "", "insights": insights_text(record.get("insights") or {}),
        "speakers": " | ".join(record.get("speakers") or []), "tier": record.get("tier") or "",
        "batch_id": record.get("batch_id") or "", "provider": record.get("provider") or "",
        "language": record.get("language") or "", "day_number": int(day.replace("-", "") or 0),
    }


def _indexing(client: redis.Redis) -> bool:
    return str(client.ft(SEARCH_INDEX).info().get("indexing", "0")) not in ("0", "0.0")


def _ensure_index(client: redis.Redis) -> None:
    """Create the index if it is missing (first use, or after FLUSHALL) and wait while the engine
    reads the hashes that were there before it (it does so in the background)."""
    try:
        if not _indexing(client):
            return
    except redis.ResponseError:  # no such index yet
        for known in [k for k in _synced if k[0] == _server(client)]:
            del _synced[known]  # a new index holds nothing yet
        fields = [TextField("title", weight=10.0, no_stem=True), TextField("transcript", no_stem=True),
                  TextField("insights", weight=4.0, no_stem=True), TextField("speakers", weight=2.0, no_stem=True),
                  TagField("tier"), TagField("batch_id"), TagField("provider"), TagField("language"),
                  NumericField("day_number")]
        try:
            client.ft(SEARCH_INDEX).create_index(
                fields, definition=IndexDefinition(prefix=[SEARCH_PREFIX], index_type=IndexType.HASH), stopwords=[])
        except redis.ResponseError as exc:
            if "already exists" not in str(exc).lower():  # another process made it first
                raise
    deadline = time.monotonic() + _INDEXING_WAIT_SECONDS
    while _indexing(client) and time.monotonic() < deadline:  # past it: answer from what is indexed so far
        time.sleep(0.02)


def _count_in_index(client: redis.Redis, tier: str) -> int:
    return int(client.ft(SEARCH_INDEX).search(Query(f"@tier:{{{_tag(tier)}}}").no_content().paging(0, 0)).total)


def _add_missing(client: redis.Redis, tier: str) -> None:
    """Search hashes for the tier's stored meetings that have none."""
    ids = client.zrange(meetings_key(tier), 0, -1)
    for start in range(0, len(ids), 200):
        chunk = ids[start:start + 200]
        check = client.pipeline(transaction=False)
        for meeting_id in chunk:
            check.exists(search_key(tier, meeting_id))
        missing = [m for m, found in zip(chunk, check.execute()) if not found]
        if not missing:
            continue
        write = client.pipeline(transaction=False)
        for raw in client.mget([meeting_key(tier, m) for m in missing]):
            if raw:
                record = json.loads(raw)
                write.hset(search_key(tier, record["meeting_id"]), mapping=index_document(record))
        write.execute()


def _sync(client: redis.Redis, tiers: Iterable[str]) -> None:
    """Add meetings stored before the index existed (while the tier's counts differ)."""
    for tier in tiers:
        state, stored = tier_state(client, tier)
        if _synced.get((_server(client), tier)) == state:
            continue
        if _count_in_index(client, tier) != stored:
            _add_missing(client, tier)
        _synced[(_server(client), tier)] = state


def _tag(value: str) -> str:
    return _TAG_SPECIAL.sub(r"\\\1", value)


def _terms(words: list[str]) -> str:
    terms = [_tag(word) for word in words]
    if len(words[-1]) >= 2:  # the engine's shortest prefix
        terms[-1] += "*"
    return " ".join(terms)


def _query(words: list[str], tiers: list[str], date_from: str | None, date_to: str | None, speaker: str | None,
           batch_id: str | None, provider: str | None, language: str | None) -> str:
    parts = [f"({_terms(words)})", "@tier:{" + " | ".join(_tag(t) for t in tiers) + "}"]
    for field, value in (("batch_id", batch_id), ("provider", provider), ("language", language)):
        if value:
            parts.append(f"@{field}:{{{_tag(value)}}}")
    if date_from or date_to:
        low = int(date_from.replace("-", "")) if date_from else "-inf"
        high = int(date_to.replace("-", "")) if date_to else "+inf"
        parts.append(f"@day_number:[{low} {high}]")
    speaker_words = query_words(speaker or "")
    if speaker_words:
        parts.append(f"@speakers:({' '.join(_tag(w) for w in speaker_words)})")
    return " ".join(parts)


def _day(number: str) -> str | None:
    digits = str(number or "")
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}" if len(digits) == 8 else None


def _snippet(doc: Any, words: list[str]) -> str:
    for field in _SNIPPET_FIELDS:
        text = getattr(doc, field, "") or ""
        if MARK_START in text:
            return text.strip()
    return marked_snippet([getattr(doc, "title", "")], words)  # found in the title only


@storage
def search_redis(text: str, tiers: list[str], *, date_from: str | None = None, date_to: str | None = None,
                 speaker: str | None = None, batch_id: str | None = None, provider: str | None = None,
                 language: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """As search_sqlite.search_sqlite, through FT.SEARCH."""
    words = query_words(text)
    if not words or not tiers:
        return []
    client = get_client()
    _ensure_index(client)
    _sync(client, tiers)
    query = (Query(_query(words, tiers, date_from, date_to, speaker, batch_id, provider, language))
             .with_scores().scorer("BM25")
             .return_fields("title", "tier", "day_number", "batch_id", "provider", "language", *_SNIPPET_FIELDS)
             .highlight(fields=list(_SNIPPET_FIELDS), tags=[MARK_START, MARK_END])
             .summarize(fields=list(_SNIPPET_FIELDS), context_len=14, num_frags=1, sep="…")
             .paging(0, max(1, min(limit, 500))).dialect(2).timeout(5000))
    found = client.ft(SEARCH_INDEX).search(query)
    return [{"meeting_id": doc.id.rsplit(":", 1)[1], "tier": doc.tier, "day": _day(doc.day_number),
             "batch_id": doc.batch_id or None,
             "provider": doc.provider or None, "language": doc.language or None, "title": doc.title,
             "score": round(float(doc.score), 4), "snippet": _snippet(doc, words), "ranked_among_newest": None}
            for doc in found.docs]
