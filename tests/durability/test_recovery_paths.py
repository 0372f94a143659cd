"""Recovery paths on real servers: two processes racing to adopt, and a lost completion write."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import batch_core
from batch_core import store
from batch_core.models import QueuedInput, MeetingIn, MeetingRow, MeetingState, Tier
from tests.durability.conftest import child_env
from tests.durability.invariant import assert_invariant, read_batch
from tests.durability.meetings import meetings, write_files
from tests.fakes.llm_server import FakeResponse
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _orphan_batch(count: int) -> str:
    """A batch left behind by a process that died: owner gone, lease long expired."""
    batch_id = "batch_deadbeef"
    items = [MeetingIn(**m) for m in meetings(count, start=300)]
    rows = [MeetingRow(index=i, title=m.title, tier=Tier.ORDINARY, status=MeetingState.QUEUED)
            for i, m in enumerate(items)]
    store.create_batch(batch_id, store.utc_now(), "skip", "deadhost:1:gone", time.time() - 60,
                       rows, {i: QueuedInput(meeting=m, title_digest="d") for i, m in enumerate(items)})
    return batch_id


def test_two_processes_starting_together_adopt_an_orphan_once(own_redis, fake_llm, tmp_path):
    fake_llm.default = FakeResponse.ok(delay=0.1)
    batch_id = _orphan_batch(10)
    procs = []
    for n in range(2):
        write_files(tmp_path / f"own{n}", 1, start=400 + n)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "batch_core", "submit", str(tmp_path / f"own{n}"), "--wait"],
            cwd=ROOT, env=child_env(BATCH_MAX_WORKERS="3"), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True))
    try:
        done = wait_for(lambda: (lambda b: b if b["status"] != "processing" else None)(
            read_batch(batch_id)), 120, "the orphan to finish")
        codes = [p.wait(timeout=120) for p in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    assert codes == [0, 0]
    assert (done["status"], done["completed"]) == ("completed", 10)
    assert done["resumed_by"].split(":")[1] in {str(p.pid) for p in procs}
    assert done["resumed_from"] == "deadhost:1:gone"
    calls = Counter(r.title for r in fake_llm.requests)
    assert all(calls[row["title"]] == 1 for row in done["results"]), calls  # nothing ran twice
    assert_invariant(own_redis, [batch_id])


def test_a_lost_completion_write_is_repaired_by_rerunning_the_meeting(own_redis, fake_llm,
                                                                       set_workers):
    """As after a redis-server crash that dropped our last writes: the row says processing in
    our name, but no worker of ours is running it any more."""
    set_workers(1)
    fake_llm.default = FakeResponse.ok(delay=0.3)
    batch_id = batch_core.submit(meetings(4, start=500))["batch_id"]
    first = wait_for(lambda: (lambda b: b if b["completed"] >= 1 else None)(read_batch(batch_id)),
                     60, "a completed meeting")
    row = first["results"][0]
    assert row["status"] == "completed"
    # Undo its completion the way a lost write would: row, counters and input as before.
    lost = {**row, "status": "processing", "stage": "store", "meeting_id": None,
            "finished_at": None, "owner": first["owner"]}
    pipe = own_redis.pipeline(transaction=True)
    pipe.hset(store.results_key(batch_id), store.field(0), json.dumps(lost))
    pipe.hincrby(store.batch_key(batch_id), "completed", -1)
    pipe.hincrby(store.batch_key(batch_id), "processing", 1)
    pipe.hset(store.items_key(batch_id), store.field(0),
              MeetingIn(**meetings(1, start=500)[0]).model_dump_json())
    pipe.execute()

    done = batch_core.wait(batch_id, timeout=60, poll=0.05)
    assert (done["status"], done["completed"]) == ("completed", 4), done
    assert Counter(r.title for r in fake_llm.requests)[row["title"]] == 2  # it ran again
    assert done["results"][0]["meeting_id"] == row["meeting_id"]  # same record, overwritten
    assert_invariant(own_redis, [batch_id])
