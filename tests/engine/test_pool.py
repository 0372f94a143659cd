"""The runner on a real redis-server and a fake OpenAI-compatible server over HTTP."""
from __future__ import annotations

import threading
import time

import pytest

from batch_core.store.client import get_client
import batch_core
from batch_core import store
from tests.fakes.llm_server import FakeResponse
from tests.waiting import wait_for


def test_both_tiers_complete_with_stages_timings_and_records(make_meeting):
    result = batch_core.submit([make_meeting("Plan A"), make_meeting("Plan B", tier="sensitive")])
    batch = batch_core.wait(result["batch_id"], timeout=120, poll=0.05)
    assert (batch["status"], batch["completed"], batch["failed"]) == ("completed", 2, 0)
    assert batch["finished_at"] and batch["throughput_per_min"] > 0
    for row, tier in zip(batch["results"], ("ordinary", "sensitive")):
        assert row["meeting_id"].startswith("meeting_") and len(row["meeting_id"]) == 20
        assert row["started_at"] <= row["finished_at"] and row["duration_ms"] > 0
        expected = {"parse", "extract", "sentiment", "store"} | ({"redact"} if tier == "sensitive" else set())
        assert set(row["stage_ms"]) == expected
        record = batch_core.get_meeting(row["meeting_id"])
        assert record["tier"] == tier and record["batch_id"] == result["batch_id"]
        assert record["redacted"] is (tier == "sensitive")


def test_results_keep_submission_order(make_meeting, set_workers):
    set_workers(4)
    titles = [f"Meeting {n:02d}" for n in range(15)]
    result = batch_core.submit([make_meeting(t) for t in titles])
    batch = batch_core.wait(result["batch_id"], timeout=120, poll=0.05)
    assert [r["title"] for r in batch["results"]] == titles
    assert [r["index"] for r in batch["results"]] == list(range(15))
    listed = batch_core.list_batches()
    assert [b["batch_id"] for b in listed] == [result["batch_id"]] and "results" not in listed[0]


def test_one_bad_meeting_fails_alone_with_a_readable_error(make_meeting, llm_server):
    llm_server.plan = lambda req: FakeResponse.error(400) if req.title == "Bad one" else None
    result = batch_core.submit([make_meeting("Good one"), make_meeting("Bad one"),
                                make_meeting("Good two")])
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    statuses = [r["status"] for r in batch["results"]]
    assert statuses == ["completed", "failed", "completed"]
    bad = batch["results"][1]
    assert bad["error"] and "Traceback" not in bad["error"] and "\n" not in bad["error"]
    assert bad["meeting_id"] is None and bad["stage"] == "extract"
    assert (batch["completed"], batch["failed"], batch["status"]) == (2, 1, "completed")


def test_rejected_api_key_fails_the_rest_of_the_batch_fast(make_meeting, llm_server, set_workers):
    set_workers(1)
    llm_server.default = FakeResponse.error(401)
    result = batch_core.submit([make_meeting(f"M{i}") for i in range(6)])
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    assert batch["failed"] == 6 and batch["status"] == "completed"
    assert len({r["error"] for r in batch["results"]}) == 1
    assert llm_server.request_count == 1, "one rejected key must not be retried per meeting"


def test_a_rejected_key_costs_at_most_one_call_per_worker(make_meeting, llm_server, set_workers):
    set_workers(3)
    llm_server.default = FakeResponse.error(401)
    result = batch_core.submit([make_meeting(f"M{i}") for i in range(12)])
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    assert batch["failed"] == 12
    assert 1 <= llm_server.request_count <= 3


def test_cancel_stops_queued_meetings_and_lets_in_flight_finish(make_meeting, llm_server, set_workers):
    set_workers(1)
    release = threading.Event()  # the first meeting stays at the provider until the cancel is in
    llm_server.plan = lambda req: release.wait(60) and None
    result = batch_core.submit([make_meeting(f"M{i}") for i in range(5)])
    batch_id = result["batch_id"]
    wait_for(lambda: llm_server.request_count == 1, what="the first meeting at the provider")
    try:
        canceled = batch_core.cancel(batch_id)
    finally:
        release.set()
    assert canceled["canceled_now"] == 4 and canceled["status"] == "processing"
    assert canceled["cancel_requested"] is True
    batch = batch_core.wait(batch_id, timeout=30, poll=0.05)
    assert batch["status"] == "canceled"
    assert [r["status"] for r in batch["results"]] == ["completed"] + ["canceled"] * 4
    assert (batch["completed"], batch["canceled"]) == (1, 4)
    assert llm_server.request_count == 1
    with pytest.raises(batch_core.BatchError, match="already canceled"):
        batch_core.cancel(batch_id)


def test_retry_failed_reruns_only_the_failed_meetings(make_meeting, llm_server, set_workers):
    set_workers(1)
    broken = threading.Event()
    broken.set()
    llm_server.plan = (lambda req: FakeResponse.error(400)
                       if broken.is_set() and req.title == "Flaky" else None)
    result = batch_core.submit([make_meeting("Steady"), make_meeting("Flaky")])
    batch_id = result["batch_id"]
    first = batch_core.wait(batch_id, timeout=60, poll=0.05)
    assert [r["status"] for r in first["results"]] == ["completed", "failed"]
    steady_id = first["results"][0]["meeting_id"]
    requests_before = llm_server.request_count
    broken.clear()
    retried = batch_core.retry_failed(batch_id)
    assert retried["requeued"] == 1 and retried["status"] == "processing"
    batch = batch_core.wait(batch_id, timeout=60, poll=0.05)
    assert [r["status"] for r in batch["results"]] == ["completed", "completed"]
    assert (batch["completed"], batch["failed"], batch["status"]) == (2, 0, "completed")
    assert batch["results"][0]["meeting_id"] == steady_id
    assert llm_server.request_count == requests_before + 1
    assert batch["results"][1]["error"] is None
    with pytest.raises(batch_core.BatchError, match="no failed meetings"):
        batch_core.retry_failed(batch_id)


def test_ttl_is_set_when_the_batch_ends_and_not_before(make_meeting, llm_server, redis_url):
    llm_server.default = FakeResponse.ok(delay=0.3)
    batch_id = batch_core.submit([make_meeting()])["batch_id"]
    client = get_client()
    keys = [store.batch_key(batch_id), store.results_key(batch_id)]
    assert [client.ttl(k) for k in keys] == [-1, -1]
    batch = batch_core.wait(batch_id, timeout=30, poll=0.05)
    assert batch["status"] == "completed"
    for key in keys:
        assert 86000 < client.ttl(key) <= 86400
    record_key = store.meeting_key("ordinary", batch["results"][0]["meeting_id"])
    assert client.ttl(record_key) == -1, "processed meetings never expire"


def test_unknown_batch(make_meeting):
    assert batch_core.get("batch_00000000") is None
    with pytest.raises(batch_core.BatchError, match="does not exist"):
        batch_core.cancel("batch_00000000")
    with pytest.raises(batch_core.BatchError, match="does not exist"):
        batch_core.retry_failed("batch_00000000")


def test_processing_the_same_meeting_twice_is_harmless(make_meeting):
    from batch_core.engine.processing import process_meeting
    batch_id = batch_core.submit([make_meeting()])["batch_id"]
    batch = batch_core.wait(batch_id, timeout=60, poll=0.05)
    assert process_meeting(batch_id, 0) is None, "a completed meeting cannot be claimed again"
    assert len(batch_core.list_meetings()) == 1 and batch["completed"] == 1


def test_engine_info_and_health(redis_url):
    info = batch_core.engine_info()
    assert info["redis_mode"] == "external" and info["workers"] >= 1
    assert info["executor"] == "thread" and info["owner"].count(":") == 2
    assert batch_core.health()["redis"] == "ok"


def _orphan(batch_id, make_meeting, lease_until, cancel_requested=False):
    """A batch left by a dead process: row 0 completed, row 1 interrupted mid-run, rows 2-3 queued."""
    from batch_core.models import QueuedInput, MeetingIn, MeetingRow, MeetingState, Tier
    from batch_core.store.batches import _transition
    rows, items = [], {}
    for i in range(4):
        m = MeetingIn(**make_meeting(f"Orphan {i}"))
        rows.append(MeetingRow(index=i, title=m.title, tier=Tier.ORDINARY, status=MeetingState.QUEUED))
        items[i] = QueuedInput(meeting=m, title_digest="d")
    store.create_batch(batch_id, store.utc_now(), "skip", "deadhost:1:dead", lease_until, rows, items)
    store.claim(batch_id, 0, {"owner": "deadhost:1:dead"})
    store.complete(batch_id, 0, {"meeting_id": "meeting_donealready"}, owner="deadhost:1:dead")
    # a meeting interrupted after one provider attempt (the fixture needs the raw move)
    _transition(batch_id, 1, (MeetingState.QUEUED,), MeetingState.PROCESSING,
                {"owner": "deadhost:1:dead", "stage": "extract"}, add_attempts=1)
    if cancel_requested:
        get_client().hset(store.batch_key(batch_id), "cancel_requested", "1")


def test_a_batch_whose_owner_died_is_resumed_exactly_once(make_meeting):
    from batch_core.engine import pool as runner
    from batch_core.engine.identity import owner_id
    _orphan("batch_0ab4a001", make_meeting, lease_until=time.time() - 1)
    _orphan("batch_a11ee001", make_meeting, lease_until=time.time() + 600)
    batch_core.health()  # first API use starts the pool; its background loop adopts at once
    batch = batch_core.wait("batch_0ab4a001", timeout=60, poll=0.05)
    assert runner.get_runner().resume_orphans() == [], "our own batch is not adopted again"
    assert store.adopt("batch_a11ee001", "otherhost:2:x", time.time() + 30) is None, "lease still alive"
    assert (batch["status"], batch["completed"], batch["queued"], batch["processing"]) == ("completed", 4, 0, 0)
    assert batch["results"][0]["meeting_id"] == "meeting_donealready", "terminal rows never re-run"
    assert batch["resumed_by"] == owner_id() and batch["resumed_from"] == "deadhost:1:dead"
    assert batch["resumed_at"] and batch["owner"] == owner_id()
    records = [m for m in batch_core.list_meetings() if m["batch_id"] == "batch_0ab4a001"]
    assert len(records) == 3, "the interrupted and the queued meetings ran once each"
    alive = batch_core.get("batch_a11ee001")
    assert alive["processing"] == 1 and alive["queued"] == 2 and alive["resumed_by"] is None


def test_resuming_a_batch_with_a_pending_cancel_finishes_it_as_canceled(make_meeting):
    from batch_core.engine import pool as runner
    _orphan("batch_0ab4a002", make_meeting, lease_until=time.time() - 1, cancel_requested=True)
    runner.get_runner()
    batch = batch_core.wait("batch_0ab4a002", timeout=30, poll=0.05)
    assert (batch["status"], batch["completed"], batch["canceled"]) == ("canceled", 1, 3)



def test_a_batch_whose_owner_process_on_this_host_is_gone_is_adopted_before_its_lease_ends(make_meeting):
    import socket
    import subprocess
    import sys

    from batch_core.engine import pool as runner
    from batch_core.engine.identity import owner_id, owner_is_gone

    host = socket.gethostname()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_owner = f"{host}:{gone.stdout.strip()}:cafe0001"  # that process has exited
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live_owner = f"{host}:{alive.pid}:cafe0002"
        assert owner_is_gone(dead_owner) and not owner_is_gone(live_owner)
        assert not owner_is_gone("otherhost:1:x") and not owner_is_gone(owner_id())
        soon = time.time() + 600  # leases far from running out
        for batch_id, owner in (("batch_00dead01", dead_owner), ("batch_00a11ee1", live_owner),
                                ("batch_00be0001", "otherhost:1:x")):
            _orphan(batch_id, make_meeting, lease_until=soon)
            get_client().hset(store.batch_key(batch_id), "owner", owner)
        adopted = runner.get_runner().resume_orphans() or []
        batch = batch_core.wait("batch_00dead01", timeout=60, poll=0.05)
        assert batch["status"] == "completed" and batch["resumed_from"] == dead_owner
        assert "batch_00a11ee1" not in adopted and "batch_00be0001" not in adopted
        assert batch_core.get("batch_00a11ee1")["resumed_by"] is None  # its owner still runs
        assert batch_core.get("batch_00be0001")["resumed_by"] is None  # another host: the lease decides
    finally:
        alive.kill()
        alive.wait()
