"""How long the app is down after its embedded redis-server dies: SIGKILL the server, then time
until batch_core.health() answers "ok" again from the same process (the next call restarts it,
AOF replayed). Also the time with 10k stored keys to replay.

Run: .venv/bin/python bench/bench_redis_heal.py   (prints numbers; no asserts)
"""
from __future__ import annotations

import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _server_pid(data_dir: Path) -> int:
    return int((data_dir / "redis" / "redis.pid").read_text())


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="bench-heal-"))
    os.environ.pop("REDIS_URL", None)
    os.environ["BATCH_DATA_DIR"] = str(data_dir)
    import batch_core
    from batch_core.store import client as redis_server

    for stored in (0, 10_000):
        client = redis_server.get_client()
        if stored:
            pipe = client.pipeline(transaction=False)
            for n in range(stored):
                pipe.set(f"bench:{n}", "x" * 2000)
            pipe.execute()
        samples = []
        for _ in range(5):
            assert batch_core.health()["redis"] == "ok"
            os.kill(_server_pid(data_dir), signal.SIGKILL)
            time.sleep(0.05)  # let the kernel reap it; the app does not know it died
            started = time.perf_counter()
            while batch_core.health()["redis"] != "ok":
                time.sleep(0.01)
            samples.append(time.perf_counter() - started)
        print(f"{stored:>6} keys of 2 KB: death -> healthy median {statistics.median(samples) * 1000:.0f} ms, "
              f"max {max(samples) * 1000:.0f} ms (5 kills)")
    redis_server.stop()


if __name__ == "__main__":
    main()
