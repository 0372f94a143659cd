"""The action-item board: each stored meeting's action items and decisions in one hash per tier
(`board:{tier}`), and which items were marked done, by whom and when (`board:{tier}:done`).

The entry is written with the record (store/meetings.save_record) and removed with it, so the
board never reads whole records: 20k meetings are one HGETALL of small entries. Entries hold what
the record holds (for the sensitive tier: redacted titles and items), never anything more.
Meetings stored before the board existed are added once per process (`backfill_board`).
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from batch_core.store.client import get_client
from batch_core.store.common import storage
from batch_core.store.keys import board_key, board_state_key, meeting_key, meetings_key

__all__ = ["board_entry", "board_entries", "set_item_state", "item_states", "backfill_board"]

_backfilled: set[str] = set()


def board_entry(record: dict[str, Any]) -> str:
    """The board's JSON for one record: what the board shows, nothing else."""
    insights = record.get("insights") or {}
    return json.dumps({
        "meeting_id": record["meeting_id"], "title": record.get("title"), "tier": record.get("tier"),
        "meeting_date": record.get("meeting_date"), "processed_at": record.get("processed_at"),
        "batch_id": record.get("batch_id"),
        "action_items": insights.get("action_items") or [], "decisions": insights.get("decisions") or [],
    })


@storage
def board_entries(tiers: Iterable[str]) -> list[dict[str, Any]]:
    client = get_client()
    entries: list[dict[str, Any]] = []
    for tier in tiers:
        backfill_board(tier)
        entries.extend(json.loads(raw) for raw in client.hgetall(board_key(tier)).values())
    return entries


@storage
def set_item_state(tier: str, meeting_id: str, index: int, state: dict[str, Any] | None) -> None:
    """Done (with who and when) or, with None, open again."""
    field = f"{meeting_id}:{index}"
    if state is None:
        get_client().hdel(board_state_key(tier), field)
    else:
        get_client().hset(board_state_key(tier), field, json.dumps(state))


@storage
def item_states(tiers: Iterable[str]) -> dict[str, dict[str, Any]]:
    states: dict[str, dict[str, Any]] = {}
    for tier in tiers:
        states.update({k: json.loads(v) for k, v in get_client().hgetall(board_state_key(tier)).items()})
    return states


def backfill_board(tier: str) -> None:
    """Once per process and tier: stored meetings without a board entry get one."""
    if tier in _backfilled:
        return
    client = get_client()
    ids = client.zrange(meetings_key(tier), 0, -1)
    known = set(client.hkeys(board_key(tier)))
    missing = [m for m in ids if m not in known]
    for start in range(0, len(missing), 500):
        chunk = missing[start:start + 500]
        raws = client.mget([meeting_key(tier, m) for m in chunk])
        entries = {m: board_entry(json.loads(raw)) for m, raw in zip(chunk, raws) if raw}
        if entries:
            client.hset(board_key(tier), mapping=entries)
    _backfilled.add(tier)
