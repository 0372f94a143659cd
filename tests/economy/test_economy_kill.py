"""SIGKILL the CLI process that holds an economy batch while it polls; a fresh process finishes it
by polling the same provider batch: zero requests sent twice.

Real processes: `python -m batch_core submit --mode economy --wait` (killed) and
`python -m batch_core resume --wait` (the rescuer), the session's redis-server, and the fake
provider's batch API in this test process. This process reads through store/ only, so it never
starts a runner that could adopt the batch itself.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from batch_core import store
from tests.durability.conftest import child_env
from tests.durability.invariant import all_batch_ids, read_batch
from tests.durability.meetings import write_files
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
TOTAL = 8


def _cli(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "batch_core", *args], cwd=ROOT, env=child_env(),
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_a_killed_poller_is_replaced_without_sending_anything_twice(economy_server, tmp_path):
    economy_server.batches.hold = True  # the provider keeps everything in progress
    write_files(tmp_path / "import", TOTAL)
    victim = _cli(["submit", str(tmp_path / "import"), "--mode", "economy", "--wait"], tmp_path / "victim.log")
    try:
        def polling():
            ids = all_batch_ids()
            if not ids:
                return None
            ledger = store.economy_ledger(ids[0])
            sent = [s for s in ledger["submissions"].values() if s.get("provider_batch_id")]
            batch = read_batch(ids[0])
            at_provider = all(r["status"] == "processing" and r["stage"] == "at_provider" for r in batch["results"])
            # kill once it has polled at least once after the create (a status is recorded)
            return ids[0] if sent and at_provider and sent[0].get("status") != "submitted" else None

        batch_id = wait_for(polling, 90, "the victim to be polling its provider batch")
        _kill(victim)
    finally:
        _kill(victim)
    assert len(economy_server.batches.creates) == 1
    assert read_batch(batch_id)["status"] == "processing"

    economy_server.batches.hold = False  # the provider finishes while nobody polls
    rescuer = _cli(["resume", "--wait"], tmp_path / "rescuer.log")
    try:
        after = wait_for(lambda: (lambda b: b if b["status"] != "processing" else None)(read_batch(batch_id)),
                         120, "the rescued batch to finish")
        assert rescuer.wait(timeout=60) == 0, (tmp_path / "rescuer.log").read_text()
    finally:
        _kill(rescuer)
    assert (after["completed"], after["failed"]) == (TOTAL, 0), [r["error"] for r in after["results"]]
    assert after["resumed_by"] and after["resumed_by"].split(":")[1] == str(rescuer.pid)
    # The same provider batch was collected: no second create, each meeting's request sent once.
    assert len(economy_server.batches.creates) == 1
    assert economy_server.batches.requests_sent() == TOTAL
    assert "Resuming " + batch_id in (tmp_path / "rescuer.log").read_text()
