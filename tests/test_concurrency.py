"""Many workers, many meetings: no lost update, and a reader never sees counts that disagree."""
from __future__ import annotations

import threading
from collections import Counter

import batch_core
from batch_core.models import MeetingState
from tests.fakes.llm_server import FakeResponse


def _consistent(batch) -> list[str]:
    problems = []
    by_status = Counter(row["status"] for row in batch["results"])
    for state in MeetingState:
        if batch[state.value] != by_status.get(state.value, 0):
            problems.append(f"{state.value}: counter {batch[state.value]} vs rows {by_status.get(state.value, 0)}")
    if sum(batch[state.value] for state in MeetingState) != batch["total"]:
        problems.append("counters do not add up to total")
    return problems


def test_fifty_meetings_ten_workers_no_lost_update(make_meeting, llm_server, set_workers):
    set_workers(10)
    llm_server.default = FakeResponse.ok(delay=0.05)
    result = batch_core.submit([make_meeting(f"Meeting {i}") for i in range(50)])
    batch_id = result["batch_id"]
    seen_problems: list[str] = []
    reads = Counter()
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            batch = batch_core.get(batch_id)
            reads["total"] += 1
            if batch["processing"]:
                reads["mid_flight"] += 1
            seen_problems.extend(_consistent(batch))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        batch = batch_core.wait(batch_id, timeout=120, poll=0.05)
    finally:
        stop.set()
        thread.join()
    assert seen_problems == []
    assert reads["mid_flight"] > 0, "the reader should have polled while meetings were running"
    assert (batch["status"], batch["completed"], batch["failed"]) == ("completed", 50, 0)
    assert _consistent(batch) == []
    ids = [row["meeting_id"] for row in batch["results"]]
    assert len(set(ids)) == 50
    assert all(batch_core.get_meeting(m) for m in ids)
    assert len(batch_core.list_meetings(limit=100)) == 50
    assert llm_server.request_count == 50


def test_concurrent_batches_share_one_pool(make_meeting, llm_server, set_workers):
    set_workers(3)
    delay = 0.2
    llm_server.default = FakeResponse.ok(delay=delay)
    first = batch_core.submit([make_meeting(f"A{i}") for i in range(6)])
    second = batch_core.submit([make_meeting(f"B{i}") for i in range(6)])
    for result in (first, second):
        assert batch_core.wait(result["batch_id"], timeout=60, poll=0.05)["completed"] == 6
    starts = sorted(r.received_at for r in llm_server.requests)
    # A worker cannot start a new call before its previous one has been answered (>= delay),
    # so no window shorter than `delay` may contain more than 3 call starts.
    window = delay * 0.9
    busiest = max(sum(1 for t in starts if s <= t < s + window) for s in starts)
    assert busiest <= 3
    assert busiest >= 2, "the pool should actually run meetings in parallel"
