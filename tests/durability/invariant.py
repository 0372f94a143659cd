"""The durability invariant, checked by every fault test.

For every batch:
- counters equal the results list (per state), and `total` equals the number of rows;
- once terminal: total = sum over terminal states, and no row is queued or processing;
- every completed row carries its deterministic meeting_id and exactly one stored record exists
  for it; no other record claims to come from that batch (no orphan left by an interrupted run);
- without allow_duplicates, no two stored records of the batch share a normalised (title, tier).

Batches and records are read with store/'s read functions (the same data get() returns, but
without starting a runner: a checker must not adopt the batches it inspects). Only the scan for
records that name a batch reads Redis directly, because no store call lists records by batch.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict

import redis

from batch_core import store
from batch_core.models import BatchState, MeetingState

COUNTER_FIELDS = {
    MeetingState.QUEUED: "queued",
    MeetingState.PROCESSING: "processing",
    MeetingState.COMPLETED: "completed",
    MeetingState.FAILED: "failed",
    MeetingState.SKIPPED: "skipped",
    MeetingState.CANCELED: "canceled",
}


def expected_meeting_id(batch_id: str, index: int) -> str:
    return "meeting_" + hashlib.sha1(f"{batch_id}:{index}".encode()).hexdigest()[:12]


def normalised_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def records_by_batch(client: redis.Redis) -> dict[str, list[dict]]:
    """Every stored MeetingRecord, grouped by the batch that produced it."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for key in client.scan_iter(match="meeting:*", count=500):
        raw = client.get(key)
        if raw is None:
            continue  # deleted between SCAN and GET
        record = json.loads(raw)
        grouped[record.get("batch_id") or ""].append(record)
    return grouped


def batch_violations(batch: dict, batch_records: list[dict]) -> list[str]:
    """Plain-words list of what is wrong with one batch (empty when it is sound)."""
    problems = _count_violations(batch)
    problems += _record_violations(batch, batch_records)
    return problems


def _count_violations(batch: dict) -> list[str]:
    """Rows, counters and the batch status agree."""
    bid = batch["batch_id"]
    problems: list[str] = []
    rows = batch.get("results") or []
    if batch["total"] != len(rows):
        problems.append(f"{bid}: total {batch['total']} but {len(rows)} result rows")
    if sorted(r["index"] for r in rows) != list(range(len(rows))):
        problems.append(f"{bid}: result indexes are not 0..{len(rows) - 1}")

    by_state = Counter(MeetingState(r["status"]) for r in rows)
    for state, field in COUNTER_FIELDS.items():
        counter = batch.get(field)
        if counter is not None and int(counter) != by_state[state]:
            problems.append(f"{bid}: counter {field}={counter} but {by_state[state]} rows are {state.value}")

    status = BatchState(batch["status"])
    if status.terminal:
        unfinished = [r["index"] for r in rows if not MeetingState(r["status"]).terminal]
        if unfinished:
            problems.append(f"{bid}: batch is {status.value} but rows {unfinished} are still queued/processing")
        terminal_sum = sum(by_state[s] for s in MeetingState if s.terminal)
        if terminal_sum != batch["total"]:
            problems.append(f"{bid}: total {batch['total']} != {terminal_sum} terminal rows")
    return problems


def _record_violations(batch: dict, batch_records: list[dict]) -> list[str]:
    """Every completed row has exactly its one record, and no record is orphaned."""
    bid = batch["batch_id"]
    problems: list[str] = []
    rows = batch.get("results") or []
    status = BatchState(batch["status"])
    records = {rec["meeting_id"]: rec for rec in batch_records}
    stored_twice = [mid for mid, n in Counter(rec["meeting_id"] for rec in batch_records).items() if n > 1]
    if stored_twice:
        problems.append(f"{bid}: meeting ids {stored_twice} are stored under more than one key")
    completed_ids = set()
    for row in rows:
        if row["status"] != MeetingState.COMPLETED.value:
            continue
        want = expected_meeting_id(bid, row["index"])
        if row.get("meeting_id") != want:
            problems.append(f"{bid}: row {row['index']} completed with meeting_id {row.get('meeting_id')!r}, expected {want}")
            continue
        completed_ids.add(want)
        if want not in records:
            problems.append(f"{bid}: row {row['index']} completed but no record {want} is stored")
        elif store.load_record(want) is None:
            problems.append(f"{bid}: record {want} exists but its tier lookup cannot find it")
    orphans = sorted(set(records) - completed_ids)
    if orphans and status.terminal:
        problems.append(f"{bid}: records {orphans} name this batch but no completed row owns them")

    if batch.get("on_duplicate", "skip") != "allow_duplicates":
        seen = Counter((normalised_title(r["title"]), r["tier"]) for r in batch_records)
        twice = [key for key, n in seen.items() if n > 1]
        if twice:
            problems.append(f"{bid}: duplicate stored records for {twice}")
    return problems


def read_batch(batch_id: str) -> dict | None:
    """What get() returns (header fields + results), read without side effects."""
    snap = store.snapshot(batch_id)
    if snap is None:
        return None
    header, rows = snap
    return {**header, "results": rows}


def all_batch_ids() -> list[str]:
    return [h["batch_id"] for h in store.list_headers(10_000)]


def invariant_violations(client: redis.Redis, batch_ids: list[str] | None = None) -> list[str]:
    if batch_ids is None:
        batch_ids = all_batch_ids()
    grouped = records_by_batch(client)
    problems: list[str] = []
    for bid in batch_ids:
        batch = read_batch(bid)
        if batch is None:
            problems.append(f"{bid}: batch is gone")
            continue
        problems.extend(batch_violations(batch, grouped.get(bid, [])))
    return problems


def assert_invariant(client: redis.Redis, batch_ids: list[str] | None = None) -> None:
    problems = invariant_violations(client, batch_ids)
    assert not problems, "durability invariant broken:\n" + "\n".join(problems)
