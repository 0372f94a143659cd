"""SIGKILL the CLI process running a batch midway; another app process resumes it.

Real processes and servers: the module's own redis-server, a fake OpenAI-compatible provider on
127.0.0.1 (in this test process), and `python -m batch_core submit ... --wait` subprocesses.
This process only reads through store/, so it never starts a runner that could adopt the batch
itself.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from tests.durability.conftest import child_env
from tests.durability.invariant import all_batch_ids, assert_invariant, read_batch
from tests.durability.meetings import title, write_files
from tests.fakes.llm_server import FakeResponse
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
TOTAL = 16
STUCK = title(6)  # its first provider call hangs, so it is surely mid-processing at the kill


def _start_cli(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "batch_core", *args], cwd=ROOT,
                            env=child_env(BATCH_MAX_WORKERS="2"), stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


@pytest.mark.parametrize("rescue", ["submit", "resume"])
def test_killed_batch_is_resumed_by_the_next_app_process(own_redis, fake_llm, tmp_path, rescue):
    first_calls: set[str] = set()

    def plan(request):
        if request.title == STUCK and STUCK not in first_calls:
            first_calls.add(STUCK)
            return FakeResponse.slow(60)  # the killed process never gets this answer
        return FakeResponse.ok(delay=0.25)

    fake_llm.plan = plan
    write_files(tmp_path / "batch", TOTAL)
    victim = _start_cli(["submit", str(tmp_path / "batch"), "--wait"], tmp_path / "victim.log")
    try:
        def midway():
            ids = all_batch_ids()
            if not ids:
                return None
            batch = read_batch(ids[0])
            stuck = next(r for r in batch["results"] if r["title"] == STUCK)
            # "processing" starts at the claim, before the provider call: kill only once the
            # stuck call has reached the provider, or the victim may die before making it.
            return batch if (batch["completed"] >= 5 and stuck["status"] == "processing"
                             and STUCK in first_calls) else None

        wait_for(midway, 90, "the batch to be midway")
        os.killpg(victim.pid, signal.SIGKILL)
        killed_at = time.time()
        victim.wait(timeout=10)
    finally:
        if victim.poll() is None:
            os.killpg(victim.pid, signal.SIGKILL)
    before = read_batch(all_batch_ids()[0])
    batch_id = before["batch_id"]
    calls_before = Counter(r.title for r in fake_llm.requests)
    terminal_before = {r["index"]: r for r in before["results"] if r["status"] not in ("queued", "processing")}
    interrupted = [r["index"] for r in before["results"] if r["status"] == "processing"]
    assert before["status"] == "processing" and interrupted and terminal_before

    # Any app process started once the lease ran out resumes it: the CLI submitting another
    # batch, or the explicit `resume` command. (One that starts and exits before then cannot:
    # it never sees the lease expire.)
    lease_until = float(before["lease_until"])
    time.sleep(max(0.0, lease_until - time.time()) + 0.2)
    if rescue == "submit":
        write_files(tmp_path / "other", 1, start=100)
        args = ["submit", str(tmp_path / "other"), "--wait"]
    else:
        args = ["resume", "--wait"]
    rescuer = _start_cli(args, tmp_path / "rescuer.log")
    try:
        after = wait_for(lambda: (lambda b: b if b["status"] != "processing" else None)(
            read_batch(batch_id)), 120, "the resumed batch to finish")
        assert rescuer.wait(timeout=120) == 0, (tmp_path / "rescuer.log").read_text()
    finally:
        if rescuer.poll() is None:
            os.killpg(rescuer.pid, signal.SIGKILL)

    assert (after["status"], after["completed"], after["failed"]) == ("completed", TOTAL, 0)
    assert after["resumed_by"] and after["resumed_by"].split(":")[1] == str(rescuer.pid)
    assert after["resumed_at"] and after["owner"] == after["resumed_by"]
    # Meetings that were terminal before the kill never ran again: same row, no new provider call.
    calls_after = Counter(r.title for r in fake_llm.requests)
    for index, row in terminal_before.items():
        assert after["results"][index] == row
        assert calls_after[row["title"]] == calls_before[row["title"]]
    # Interrupted meetings ran again and left exactly one record each (checked by the invariant).
    for index in interrupted:
        assert after["results"][index]["status"] == "completed"
    assert calls_after[STUCK] == 2
    assert_invariant(own_redis, [batch_id])
    resume_seconds = _epoch(after["resumed_at"]) - killed_at
    print(f"\nSIGKILL -> resumed after {resume_seconds:.2f} s (lease 2 s, heartbeat 1 s, "
          f"lease ran out {lease_until - killed_at:.2f} s after the kill); "
          f"{len(interrupted)} interrupted meeting(s) re-run, {len(terminal_before)} terminal "
          f"meetings untouched")
