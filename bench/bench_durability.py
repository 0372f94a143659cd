"""Durability benchmark: what each fault costs, and status-read latency under load.

Real stack: a redis-server of its own (AOF everysec) in a temporary dir, the thread pool, the
fake OpenAI-compatible server over HTTP, and CLI subprocesses for the SIGKILL run. Prints
numbers; asserts nothing. The machine is a shared 2-core box: figures are noisy.

    .venv/bin/python bench/bench_durability.py [--quick] [--lease 30 --heartbeat 10]
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import batch_core  # noqa: E402
from batch_core.config import reload_settings  # noqa: E402
from tests.durability.invariant import all_batch_ids, read_batch  # noqa: E402
from tests.durability.load import run_load  # noqa: E402
from tests.durability.meetings import meetings, write_files  # noqa: E402
from tests.fakes import llm_server  # noqa: E402
from tests.fakes.llm_server import FakeLLMServer, FakeResponse  # noqa: E402
from tests.servers import RedisProcess  # noqa: E402

llm_server._Handler.disable_nagle_algorithm = True  # see bench_engine.py


def configure(**env: str) -> None:
    os.environ.update(env)
    reload_settings()
    batch_core.reset_for_tests()


def epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def wait_terminal(batch_id: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            batch = read_batch(batch_id)  # store reads: polling must not start a runner here
        except batch_core.StorageUnavailable:
            batch = None
        if batch and batch["status"] != "processing":
            return batch
        time.sleep(0.05)
    raise RuntimeError(f"{batch_id} did not finish")


def wait_completed(batch_id: str, count: int, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = read_batch(batch_id)
        if batch and batch["completed"] >= count:
            return batch
        if batch and batch["status"] != "processing":
            break
        time.sleep(0.02)
    raise RuntimeError(f"{batch_id} never reached {count} completed meetings: {batch}")


def bench_load(batches: int, per_batch: int) -> None:
    result = run_load(batches=batches, per_batch=per_batch, poll_seconds=2.0)
    print(f"load ({batches} x {per_batch} meetings, {os.environ['BATCH_MAX_WORKERS']} workers, "
          f"0.1 s provider latency, reader every 2 s): {result.summary()}")
    for error in result.errors[:5]:
        print("   error:", error)


# A long-lived app process (as the dashboard or API would be): first use starts its runner,
# whose heartbeat loop adopts batches whose lease ran out; it stays until the batch is over.
_WATCHER = """
import sys, time, batch_core
batch_core.health()
while (batch_core.get(sys.argv[1]) or {}).get("status", "processing") == "processing":
    time.sleep(0.2)
"""


def bench_sigkill(fake: FakeLLMServer, work: Path, lease: int, heartbeat: int) -> None:
    total = 20
    write_files(work / "victim", total, start=50_000)  # titles unused by the load run
    env = {**os.environ, "BATCH_MAX_WORKERS": "2", "BATCH_LEASE_SECONDS": str(lease),
           "BATCH_HEARTBEAT_SECONDS": str(heartbeat)}
    fake.default = FakeResponse.ok(delay=0.3)

    def spawn(*args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)

    known = set(all_batch_ids())
    victim = spawn("-m", "batch_core", "submit", str(work / "victim"), "--wait")
    while not set(all_batch_ids()) - known:
        if victim.poll() is not None:
            raise RuntimeError(f"the CLI exited with {victim.returncode} before submitting")
        time.sleep(0.05)
    batch_id = all_batch_ids()[0]
    watcher = spawn("-c", _WATCHER, batch_id)
    wait_completed(batch_id, total // 3)
    os.killpg(victim.pid, signal.SIGKILL)
    killed = time.time()
    victim.wait()
    before = read_batch(batch_id)
    calls_before = Counter(r.title for r in fake.requests)
    interrupted = [r["title"] for r in before["results"] if r["status"] == "processing"]
    after = wait_terminal(batch_id)
    watcher.wait(timeout=300)
    calls_after = Counter(r.title for r in fake.requests)
    rerun_calls = sum(calls_after[t] - calls_before[t] for t in interrupted)
    terminal_rerun = sum(calls_after[r["title"]] != calls_before[r["title"]]
                         for r in before["results"] if r["status"] not in ("queued", "processing"))
    print(f"SIGKILL of the CLI (lease {lease} s, heartbeat {heartbeat} s): a running app process "
          f"resumed the batch {epoch(after['resumed_at']) - killed:.2f} s after the kill "
          f"(lease ran out after {float(before['lease_until']) - killed:.2f} s); finished "
          f"{time.time() - killed:.2f} s after; status {after['status']} "
          f"{after['completed']}/{total}; re-run: {len(interrupted)} interrupted meetings "
          f"({rerun_calls} extra provider calls), {terminal_rerun} terminal meetings")


def bench_outage(fake: FakeLLMServer, server: RedisProcess, seconds: float, crash: bool) -> None:
    fake.default = FakeResponse.ok(delay=0.3)
    total = 12
    started = time.monotonic()
    batch_id = batch_core.submit(meetings(total, start=100_000 + int(time.time() * 10) % 100_000)
                                 )["batch_id"]
    reported = wait_completed(batch_id, 3)
    time.sleep(1.2 if crash else 0)
    (server.kill if crash else server.stop)()
    time.sleep(seconds)
    server.start()
    done = wait_terminal(batch_id)
    lost = [r for r in reported["results"] if r["status"] == "completed"
            and batch_core.get_meeting(r["meeting_id"]) is None]
    kind = "kill -9" if crash else "stop"
    print(f"redis {kind} for {seconds:g} s (retry window {os.environ['BATCH_REDIS_RETRY_SECONDS']} s): "
          f"batch {done['status']} {done['completed']} completed / {done['failed']} failed in "
          f"{time.monotonic() - started:.1f} s; completed-before records lost: {len(lost)}")
    if done["status"] == "partial":
        began = time.monotonic()
        batch_core.retry_failed(batch_id)
        again = wait_terminal(batch_id)
        print(f"   retry_failed -> {again['status']} {again['completed']}/{total} in "
              f"{time.monotonic() - began:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller load run")
    parser.add_argument("--lease", type=int, default=5, help="BATCH_LEASE_SECONDS for the SIGKILL run")
    parser.add_argument("--heartbeat", type=int, default=1,
                        help="BATCH_HEARTBEAT_SECONDS for the SIGKILL run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-durability-") as tmp, FakeLLMServer() as fake:
        server = RedisProcess(Path(tmp) / "redis")
        server.start()
        try:
            configure(REDIS_URL=server.url, BATCH_MAX_WORKERS="3", BATCH_LEASE_SECONDS="5",
                      BATCH_HEARTBEAT_SECONDS="1", BATCH_REDIS_RETRY_SECONDS="3",
                      LLM_RETRY_BASE_SECONDS="0.01", LLM_RETRY_MAX_SECONDS="0.05",
                      **fake.env("openai"))
            fake.default = FakeResponse.ok(delay=0.1)
            bench_load(*((4, 20) if args.quick else (10, 50)))
            batch_core.reset_for_tests()
            bench_sigkill(fake, Path(tmp), lease=args.lease, heartbeat=args.heartbeat)
            configure(BATCH_MAX_WORKERS="2")
            bench_outage(fake, server, 1.0, crash=False)
            bench_outage(fake, server, 6.0, crash=False)
            bench_outage(fake, server, 0.2, crash=True)
        finally:
            batch_core.reset_for_tests()
            server.stop()


if __name__ == "__main__":
    main()
