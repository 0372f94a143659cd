"""BATCH_EXECUTOR=rq end to end: real worker processes, a real redis-server, a fake provider over
HTTP with latency. Submit only enqueues; the workers do the work."""
from __future__ import annotations

import time

import redis

import batch_core
from batch_core.executors import rq_queue
from batch_core.executors.fleet_status import fleet_info
from tests.durability.invariant import assert_invariant
from tests.fakes.llm_server import FakeResponse
from tests.test_submit import TRANSCRIPT
from tests.waiting import wait_for


def meetings(count: int, prefix: str = "Fleet meeting") -> list[dict]:
    return [{"title": f"{prefix} {i}", "tier": "ordinary",
             "transcript": f"{TRANSCRIPT}\nAlice: That closes {prefix} {i}."} for i in range(count)]


def test_submit_in_rq_mode_only_enqueues(rq_env, fake_llm):
    batch = batch_core.submit(meetings(5))
    time.sleep(0.5)  # nothing in this process may pick the meetings up
    state = batch_core.get(batch["batch_id"])
    assert state["queued"] == 5 and state["processing"] == 0
    assert fake_llm.request_count == 0
    info = fleet_info()
    assert info["executor"] == "rq"
    assert info["queue_depth"] == 5
    assert info["workers"] == []


def test_three_workers_fifty_meetings_one_killed_midway(rq_env, fake_llm, start_fleet, redis_url):
    batch_id = batch_core.submit(meetings(50))["batch_id"]
    fleet = start_fleet(3)
    wait_for(lambda: batch_core.get(batch_id)["completed"] >= 10, 120, "10 meetings done")

    names = {w["pid"]: w["name"] for w in fleet_info()["workers"]}
    victim = fleet.kill_mid_meeting()

    done = batch_core.wait(batch_id, timeout=180, poll=0.2)
    assert done["status"] == "completed", done
    assert (done["completed"], done["failed"]) == (50, 0)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    assert_invariant(client, [batch_id])  # includes: exactly one stored record per meeting
    assert len(batch_core.list_meetings(limit=500)) == 50

    # The interrupted meeting was re-run through RQ's abandoned-job handling, on another worker.
    retried = [j for j in rq_queue.batch_jobs(batch_id) if j.retries_left != rq_queue.JOB_RETRIES]
    assert len(retried) == 1
    assert retried[0].retries_left == rq_queue.JOB_RETRIES - 1
    assert retried[0].worker_name != names[victim.pid]
    assert done["results"][retried[0].meta["index"]]["status"] == "completed"
    assert fleet_info()["queue_depth"] == 0


def test_cancel_with_rq_stops_queued_meetings(rq_env, fake_llm, start_fleet, redis_url):
    fake_llm.default = FakeResponse.ok(delay=0.5)
    batch_id = batch_core.submit(meetings(20))["batch_id"]
    start_fleet(1)
    wait_for(lambda: batch_core.get(batch_id)["completed"] >= 2, 60, "2 meetings done")

    batch_core.cancel(batch_id)
    assert fleet_info()["queue_depth"] == 0  # the queued jobs were taken off the queue
    done = batch_core.wait(batch_id, timeout=60, poll=0.1)
    assert done["status"] == "canceled"
    assert done["canceled"] >= 1
    assert done["completed"] + done["canceled"] == 20
    time.sleep(1.0)  # a job that slipped through would call the provider now
    assert fake_llm.request_count == done["completed"]  # canceled meetings never reached it
    assert_invariant(redis.Redis.from_url(redis_url, decode_responses=True), [batch_id])


def test_retry_failed_with_rq_requeues_only_failed(rq_env, fake_llm, start_fleet, redis_url):
    def reject_bad(request):
        return FakeResponse.error(400) if "Bad" in (request.title or "") else None

    fake_llm.plan = reject_bad
    batch_id = batch_core.submit(meetings(4, "Good") + meetings(2, "Bad"))["batch_id"]
    start_fleet(1)
    first = batch_core.wait(batch_id, timeout=60, poll=0.1)
    assert (first["status"], first["completed"], first["failed"]) == ("completed", 4, 2)
    calls_before = fake_llm.request_count

    fake_llm.plan = None
    batch_core.retry_failed(batch_id)
    second = batch_core.wait(batch_id, timeout=60, poll=0.1)
    assert (second["status"], second["completed"], second["failed"]) == ("completed", 6, 0)
    assert fake_llm.request_count - calls_before == 2  # only the two failed meetings ran again
    assert_invariant(redis.Redis.from_url(redis_url, decode_responses=True), [batch_id])


def test_fleet_info_shows_live_workers(rq_env, fake_llm, start_fleet):
    fake_llm.default = FakeResponse.ok(delay=1.0)
    batch_id = batch_core.submit(meetings(3))["batch_id"]
    fleet = start_fleet(1)
    fleet.busy_worker()
    info = wait_for(lambda: (lambda i: i if i["workers"] and i["workers"][0]["current_job"]
                               else None)(fleet_info()), 30, "a busy worker")
    worker = info["workers"][0]
    assert worker["pid"] == fleet.procs[0].pid
    assert worker["state"] == "busy"
    assert worker["current_batch"] == batch_id
    assert worker["last_heartbeat"].endswith("Z")
    assert info["running"] == 1
    assert info["queue_depth"] == 2
    batch_core.wait(batch_id, timeout=60, poll=0.1)
    assert fleet_info()["queue_depth"] == 0


def test_cli_submit_wait_in_rq_mode_runs_on_the_workers(rq_env, fake_llm, start_fleet, tmp_path):
    import json
    import os
    import subprocess
    import sys

    from tests.fleet.fleet_procs import ROOT
    folder = tmp_path / "transcripts"
    folder.mkdir()
    for i in range(3):
        (folder / f"standup_{i}.txt").write_text(TRANSCRIPT.replace("billing page", f"page {i}"))
    start_fleet(1)
    run = subprocess.run([sys.executable, "-m", "batch_core", "submit", str(folder), "--wait",
                          "--json"], env={**os.environ, **rq_env}, cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    batch = json.loads(run.stdout)
    assert (batch["status"], batch["completed"]) == ("completed", 3)
    assert batch["owner"] == "rq-fleet"
    assert fake_llm.request_count == 3  # the provider calls came from the worker process
