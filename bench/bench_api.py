"""Benchmark of the HTTP API over real HTTP: a uvicorn process, its own throwaway redis-server.

Run: .venv/bin/python bench/bench_api.py   (prints numbers; no asserts; 2-core machine,
so expect noise).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from batch_core.store.embedded import server_binary  # noqa: E402
from tests.api.conftest import transcript  # noqa: E402
from tests.servers import free_port  # noqa: E402

TOKEN = "bench-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}



def wait_until(check, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting")
        time.sleep(0.02)


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  (n={len(ms)})"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        redis_port, api_port = free_port(), free_port()
        redis = subprocess.Popen(
            [str(server_binary()), "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", tmp,
             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
               "BATCH_API_PORT": str(api_port), "BATCH_API_TOKEN": TOKEN, "LLM_PROVIDER": "local"}
        api = subprocess.Popen([sys.executable, "-m", "batch_core.api"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            run(f"http://127.0.0.1:{api_port}")
        finally:
            api.terminate()
            api.wait(timeout=30)
            redis.terminate()
            redis.wait(timeout=10)


def run(base: str) -> None:
    client = httpx.Client(base_url=base, headers=HEADERS, timeout=60)

    def up() -> bool:
        try:
            return client.get("/health").status_code == 200
        except httpx.TransportError:
            return False
    started = time.monotonic()
    wait_until(up)
    print(f"server ready in {time.monotonic() - started:.2f} s")

    def settle(batch_id: str) -> dict:
        body = {}
        def done() -> bool:
            nonlocal body
            body = client.get(f"/api/v1/meetings/batch/{batch_id}").json()
            return body["status"] != "processing"
        wait_until(done, 300)
        return body

    submit_one = []
    for i in range(20):
        t = time.perf_counter()
        r = client.post("/api/v1/meetings/batch", json={"meetings": [
            {"title": f"Bench one {i}", "tier": "ordinary", "transcript": transcript(f"one {i}")}]})
        submit_one.append(time.perf_counter() - t)
        settle(r.json()["batch_id"])
    print(f"POST batch (1 meeting)       {percentiles(submit_one)}")

    meetings = [{"title": f"Bench fifty {i}", "tier": "ordinary",
                 "transcript": transcript(f"topic {i}") * 20} for i in range(50)]
    t = time.perf_counter()
    r = client.post("/api/v1/meetings/batch", json={"meetings": meetings})
    submit_50 = time.perf_counter() - t
    t = time.perf_counter()
    batch = settle(r.json()["batch_id"])
    drain = time.perf_counter() - t
    print(f"POST batch (50 meetings)     {submit_50 * 1000:7.1f} ms; processed in {drain:.2f} s "
          f"({batch['completed']} completed, {50 / drain * 60:.0f} meetings/min, local provider)")

    polls = []
    for _ in range(50):
        t = time.perf_counter()
        client.get(f"/api/v1/meetings/batch/{r.json()['batch_id']}")
        polls.append(time.perf_counter() - t)
    print(f"GET progress (50 rows)       {percentiles(polls)}")

    t = time.perf_counter()
    lines = client.get(f"/api/v1/meetings/batch/{r.json()['batch_id']}/results").text.splitlines()
    print(f"GET results (50 records)     {(time.perf_counter() - t) * 1000:7.1f} ms, {len(lines)} lines")

    files = [("files", (f"f{i}.txt", transcript(f"upload {i}").encode() * 20, "text/plain"))
             for i in range(20)]
    t = time.perf_counter()
    r = client.post("/api/v1/meetings/batch/upload", files=files, data={"tier": "sensitive"})
    print(f"POST upload (20 .txt files)  {(time.perf_counter() - t) * 1000:7.1f} ms -> {r.status_code}")
    settle(r.json()["batch_id"])

    sync = []
    for i in range(10):
        t = time.perf_counter()
        client.post("/api/v1/meetings/process", json={
            "title": f"Sync {i}", "tier": "sensitive", "transcript": transcript(f"sync {i}")})
        sync.append(time.perf_counter() - t)
    print(f"POST process (sensitive)     {percentiles(sync)}")


if __name__ == "__main__":
    main()
