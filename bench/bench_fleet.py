"""Fleet benchmark: RQ worker processes against a fake provider with 1 s latency.

1. Throughput with 1, 2 and 4 worker processes (each runs one meeting at a time), then 4 workers
   under LLM_MAX_CONCURRENCY=2: scales with workers until the cap.
2. LLM_RPM=60 with 4 workers (able to do ~240/min): the fake provider enforces 60 requests in any
   60 s window (429 beyond it); we count 429s and the throughput reached in 60 s.

Real processes, a real redis-server on a free port, a fake OpenAI-compatible server on 127.0.0.1.
Numbers are noisy on a shared 2-core machine. Takes about 2.5 minutes.
Usage: .venv/bin/python bench/bench_fleet.py [--quick]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

import batch_core  # noqa: E402
from batch_core import config  # noqa: E402
from batch_core.executors import rq_queue  # noqa: E402
from batch_core.executors.fleet_status import fleet_info  # noqa: E402
from tests.fakes.llm_server import FakeLLMServer, FakeResponse, RecordedRequest  # noqa: E402
from tests.fleet.fleet_procs import WorkerFleet  # noqa: E402
from tests.servers import RedisProcess  # noqa: E402

LATENCY = 1.0
TRANSCRIPT = (
    "Maria: Good morning everyone, let's review the launch plan for the new billing page.\n"
    "Jonas: We agreed to ship the billing page on the 14th after the final security review.\n"
    "Maria: Jonas, can you send the release notes to the support team by Friday?\n"
    "Jonas: Yes, I'll send them by Friday. Who owns the pricing FAQ update?\n"
)


class SlidingWindowLimit:
    """Fake-provider plan: at most `rpm` accepted requests in any `window` seconds, else 429."""

    def __init__(self, rpm: int, window: float = 60.0) -> None:
        self.rpm, self.window = rpm, window
        self.accepted: deque[float] = deque()
        self.rejected = 0
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> FakeResponse | None:
        with self._lock:
            while self.accepted and self.accepted[0] <= request.received_at - self.window:
                self.accepted.popleft()
            if len(self.accepted) >= self.rpm:
                self.rejected += 1
                return FakeResponse.rate_limited(retry_after=1)
            self.accepted.append(request.received_at)
            return None


def set_env(values: dict[str, str]) -> None:
    os.environ.update(values)
    config.reload_settings()
    rq_queue.reset_connection()


def submit(count: int, tag: str) -> list[str]:
    ids = []
    for start in range(0, count, 50):
        chunk = [{"title": f"{tag} {i}", "tier": "ordinary", "transcript": TRANSCRIPT}
                 for i in range(start, min(count, start + 50))]
        ids.append(batch_core.submit(chunk, on_duplicate="allow_duplicates")["batch_id"])
    return ids


def wait_for_workers(count: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while len([w for w in fleet_info()["workers"] if w["state"] == "idle"]) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{count} workers did not start within {timeout:.0f} s")
        time.sleep(0.1)


def run_fleet(env: dict[str, str], workers: int, meetings: int, log_dir: Path) -> float:
    """Seconds from submit until every meeting is done (workers started beforehand)."""
    with WorkerFleet(env, workers, log_dir=log_dir):
        wait_for_workers(workers)
        started = time.monotonic()
        for batch_id in submit(meetings, f"w{workers}"):
            batch = batch_core.wait(batch_id, timeout=600, poll=0.05)
            assert batch["completed"] == batch["total"], batch
        return time.monotonic() - started


def scaling(base_env: dict[str, str], log_dir: Path, per_worker: int) -> None:
    print(f"\n== throughput vs worker processes ({LATENCY:.0f} s fake latency, "
          f"{per_worker} meetings per worker)")
    print(f"{'workers':>8} {'cap':>5} {'meetings':>9} {'wall s':>8} {'per min':>8} {'ideal/min':>10} "
          f"{'efficiency':>10}")
    for workers, cap in ((1, 0), (2, 0), (4, 0), (4, 2)):
        set_env({**base_env, "LLM_MAX_CONCURRENCY": str(cap)})
        env = {**base_env, "LLM_MAX_CONCURRENCY": str(cap)}
        meetings = per_worker * workers
        wall = run_fleet(env, workers, meetings, log_dir)
        ideal = 60.0 * (min(workers, cap) if cap else workers) / LATENCY
        rate = 60.0 * meetings / wall
        print(f"{workers:>8} {cap or '-':>5} {meetings:>9} {wall:>8.1f} {rate:>8.1f} {ideal:>10.1f} "
              f"{rate / ideal:>10.2f}")


def rpm_budget(base_env: dict[str, str], fake: FakeLLMServer, log_dir: Path, rpm: int,
               seconds: float) -> None:
    print(f"\n== LLM_RPM={rpm} with 4 workers (could do ~{int(240 / LATENCY)}/min); the fake provider "
          f"allows {rpm} requests per 60 s window")
    limit = SlidingWindowLimit(rpm)
    fake.plan = limit
    fake.clear()
    env = {**base_env, "LLM_RPM": str(rpm), "LLM_MAX_CONCURRENCY": "0"}
    set_env(env)
    with WorkerFleet(env, 4, log_dir=log_dir):
        wait_for_workers(4)
        batch_ids = submit(int(rpm * seconds / 60) + 20, "rpm")
        while fake.request_count == 0:
            time.sleep(0.01)
        first = fake.requests[0].received_at
        time.sleep(max(0.0, first + seconds - time.time()))
        window_end = first + seconds
        served = [r for r in list(fake.requests) if r.received_at < window_end and r.served == "ok"]
        for batch_id in batch_ids:
            if batch_core.get(batch_id)["status"] == "processing":
                batch_core.cancel(batch_id)
        for batch_id in batch_ids:
            batch_core.wait(batch_id, timeout=60, poll=0.1)
    per_min = len(served) * 60.0 / seconds
    print(f"requests accepted in the first {seconds:.0f} s: {len(served)}  -> {per_min:.1f}/min "
          f"= {per_min / rpm:.0%} of the budget")
    print(f"429 answers from the fake provider: {limit.rejected}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer meetings, 20 s RPM window")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench_fleet_"))
    redis_proc = RedisProcess(workdir, aof=False)
    redis_proc.start()
    url = redis_proc.url
    fake = FakeLLMServer(default_delay=LATENCY).start()
    base_env = {"REDIS_URL": url, "BATCH_EXECUTOR": "rq", "BATCH_HEARTBEAT_SECONDS": "2",
                "BATCH_LEASE_SECONDS": "10", "BATCH_MAX_MEETINGS": "50", **fake.env("openai")}
    started = time.monotonic()
    try:
        set_env(base_env)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores (shared: numbers are noisy)")
        scaling(base_env, workdir, per_worker=4 if args.quick else 8)
        redis.Redis.from_url(url).flushall()
        rpm_budget(base_env, fake, workdir, rpm=60, seconds=20.0 if args.quick else 60.0)
    finally:
        fake.stop()
        redis_proc.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nbenchmark took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
