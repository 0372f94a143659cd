"""Full-text search where the Redis server has no Query Engine (the embedded Valkey has none):
SQLite FTS5 (in Python's standard library) in `<data dir>/search/index.sqlite3`, made 0600.

The index follows Redis, which stays the source of truth: before each query
it is brought up to date by comparing `meetings:{tier}` (ids and processed times, one ZRANGE
per tier) with what it holds, adding new or re-processed meetings and dropping deleted ones. So
every process on every host sees what Redis holds, whoever wrote it. It holds what the records
hold: for the sensitive tier the redacted text, never more.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable

from batch_core.config import settings
from batch_core.store.client import get_client
from batch_core.store.common import insights_text, marked_snippet, query_words, storage, tier_state
from batch_core.store.keys import meeting_key, meetings_key

__all__ = ["search_sqlite"]

_lock = threading.Lock()
_connections: dict[str, sqlite3.Connection] = {}
SCHEMA_VERSION = 2
RANKED_WINDOW = 20_000
# fts rows share their rowid with docs, so a meeting's text is found and removed by rowid, not
# by scanning the index for its id.
SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, meeting_id TEXT UNIQUE, tier TEXT, day TEXT,
                                 processed REAL, batch_id TEXT, provider TEXT, language TEXT, speakers TEXT);
CREATE INDEX IF NOT EXISTS docs_tier ON docs (tier);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, transcript, insights, speakers,
                                                 tokenize='unicode61 remove_diacritics 2');
"""


def _connection() -> sqlite3.Connection:
    path = Path(settings().data_dir) / "search" / "index.sqlite3"
    found = _connections.get(str(path))
    if found is not None:
        return found
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fresh = not path.exists()
    connection = sqlite3.connect(str(path), check_same_thread=False)
    if fresh:
        os.chmod(path, 0o600)
    if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        # An index of another layout is rebuilt from Redis (the source of truth), never migrated.
        connection.executescript("DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS docs;")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    connection.executescript(SCHEMA)
    _connections[str(path)] = connection
    return connection


def _drop(connection: sqlite3.Connection, meeting_id: str) -> None:
    found = connection.execute("SELECT id FROM docs WHERE meeting_id = ?", (meeting_id,)).fetchone()
    if found:
        connection.execute("DELETE FROM fts WHERE rowid = ?", found)
        connection.execute("DELETE FROM docs WHERE id = ?", found)


def _index(connection: sqlite3.Connection, record: dict[str, Any], processed: float, known: bool) -> None:
    if known:  # re-processed: its old text goes first
        _drop(connection, record["meeting_id"])
    speakers = " | ".join(record.get("speakers") or [])
    day = (record.get("meeting_date") or record.get("processed_at") or "")[:10]
    row = connection.execute(
        "INSERT INTO docs (meeting_id, tier, day, processed, batch_id, provider, language, speakers) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (record["meeting_id"], record.get("tier"), day, processed, record.get("batch_id"), record.get("provider"),
         record.get("language"), speakers)).lastrowid
    connection.execute("INSERT INTO fts (rowid, title, transcript, insights, speakers) VALUES (?, ?, ?, ?, ?)",
                       (row, record.get("title") or "", record.get("transcript") or "",
                        insights_text(record.get("insights") or {}), speakers))


_synced: dict[tuple[str, str], str] = {}  # (data dir, tier) -> the state of `meetings:{tier}` last synced


def _sync(connection: sqlite3.Connection, tiers: Iterable[str]) -> None:
    """Make the index hold exactly the meetings Redis holds for these tiers (skipped while the
    tier's change counter is where this process last saw it)."""
    client = get_client()
    path = str(settings().data_dir)
    for tier in tiers:
        version, _ = tier_state(client, tier)
        if _synced.get((path, tier)) == version:
            continue
        stored = dict(client.zrange(meetings_key(tier), 0, -1, withscores=True))
        indexed = dict(connection.execute("SELECT meeting_id, processed FROM docs WHERE tier = ?", (tier,)).fetchall())
        gone = [m for m in indexed if m not in stored]
        stale = [m for m, score in stored.items() if indexed.get(m) != score]
        for meeting_id in gone:
            _drop(connection, meeting_id)
        for start in range(0, len(stale), 200):
            chunk = stale[start:start + 200]
            for meeting_id, raw in zip(chunk, client.mget([meeting_key(tier, m) for m in chunk])):
                if raw:
                    _index(connection, json.loads(raw), stored[meeting_id], meeting_id in indexed)
                elif meeting_id in indexed:
                    _drop(connection, meeting_id)
        if gone or stale:
            connection.commit()
        _synced[(path, tier)] = version


def _match_expression(text: str) -> str | None:
    """Every word must occur (the last one as a prefix, so results come while typing)."""
    words = query_words(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)


@storage
def search_sqlite(text: str, tiers: list[str], *, date_from: str | None = None, date_to: str | None = None,
                   speaker: str | None = None, batch_id: str | None = None, provider: str | None = None,
                   language: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Best matches first: meeting_id, tier, day, batch_id, provider, language, score, snippet
    (MARK_START / MARK_END around the matched words)."""
    expression = _match_expression(text)
    if expression is None or not tiers:
        return []
    where, args = [f"d.tier IN ({','.join('?' * len(tiers))})"], list(tiers)
    for column, value in (("d.batch_id", batch_id), ("d.provider", provider), ("d.language", language)):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    if date_from:
        where.append("d.day >= ?")
        args.append(date_from)
    if date_to:
        where.append("d.day <= ?")
        args.append(date_to)
    if speaker:
        where.append("d.speakers LIKE ? ESCAPE '\\'")
        args.append("%" + speaker.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    # Ranked first, snippets after for the top rows only: SQLite computes a row's columns before it
    # sorts, so a snippet in the ranking query is made for every match (0.8 s for "um" at 100k).
    with _lock:
        connection = _connection()
        _sync(connection, tiers)
        # BM25 scores every match: a search that matches most of 100k meetings ("the meeting") took
        # 0.4 s. Counting is cheap (~20 ms), so past RANKED_WINDOW matches only the newest
        # RANKED_WINDOW meetings (rowids follow indexing order) are ranked, and the hits say so.
        windowed = connection.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", [expression]).fetchone()[0] > RANKED_WINDOW
        if windowed:  # a plain number: FTS5 narrows its doclists by a rowid bound, not by a subquery
            where.append("fts.rowid > ?")
            args.append((connection.execute("SELECT max(id) FROM docs").fetchone()[0] or 0) - RANKED_WINDOW)
        ranking = (f"SELECT fts.rowid, bm25(fts, 10.0, 1.0, 4.0, 2.0) AS score FROM fts JOIN docs d ON d.id = fts.rowid "
                   f"WHERE fts MATCH ? AND {' AND '.join(where)} ORDER BY score LIMIT ?")
        ranked = connection.execute(ranking, [expression, *args, max(1, min(limit, 500))]).fetchall()
        if not ranked:
            return []
        # Snippets are cut here from the stored text: FTS5's snippet() reads every expansion of a
        # prefix word for each row (0.9 s for 50 rows of "design project*" at 100k meetings).
        details = {r[0]: r[1:] for r in connection.execute(
            f"SELECT fts.rowid, d.meeting_id, d.tier, d.day, d.batch_id, d.provider, d.language, fts.title, "
            f"fts.transcript, fts.insights, fts.speakers FROM fts JOIN docs d ON d.id = fts.rowid "
            f"WHERE fts.rowid IN ({','.join('?' * len(ranked))})", [rowid for rowid, _ in ranked]).fetchall()}
    words = query_words(text)
    hits = []
    for rowid, score in ranked:
        r = details[rowid]
        hits.append({"meeting_id": r[0], "tier": r[1], "day": r[2], "batch_id": r[3], "provider": r[4],
                     "language": r[5], "title": r[6], "score": round(-float(score), 4),
                     "snippet": marked_snippet([r[7], r[8], r[9], r[6]], words),
                     "ranked_among_newest": RANKED_WINDOW if windowed else None})
    return hits
