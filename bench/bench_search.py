"""Search latency and cost at 1k and 20k stored meetings (the SQLite FTS5 index of
store/search_index.py beside the embedded Redis).

Meetings are built from the real QMSum excerpts in tests/fixtures (AMI, ICSI, Welsh parliament):
each stored meeting is a random 60-turn window of one of them, so the vocabulary is real speech.
Printed: time to store them, the first query (it builds the index), then the median and p95
of 30 queries of one to three words, Redis memory per meeting and the index size.

Run: .venv/bin/python bench/bench_search.py [--counts 1000 20000]   (prints numbers; no asserts)
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUERIES = ["remote", "remote control", "budget", "design project", "speech recognition", "teachers",
           "agenda", "buttons", "the meeting", "microphone", "funding schools", "user interface",
           "battery", "prototype", "digits", "training", "wales", "market", "kick", "um"]


def _records(count: int, rng: random.Random) -> list:
    from batch_core.models import Insights, MeetingRecord, Tier
    meetings = json.loads((ROOT / "tests/fixtures/qmsum_excerpts.json").read_text())["meetings"]
    records = []
    for n in range(count):
        source = rng.choice(meetings)
        start = rng.randrange(max(1, len(source["turns"]) - 60))
        turns = source["turns"][start:start + 60]
        transcript = "\n".join(f"{t['speaker']}: {t['content']}" for t in turns)
        records.append(MeetingRecord(
            meeting_id=f"meeting_{n:012x}", batch_id="batch_00000000", title=f"{source['name']} part {n}",
            tier=Tier.SENSITIVE if n % 10 == 0 else Tier.ORDINARY, meeting_date=f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
            processed_at="2026-11-30T12:00:00.000Z", provider="local", model="local-rules-v1",
            speakers=sorted({t["speaker"] for t in turns}), word_count=len(transcript.split()),
            transcript=transcript, insights=Insights(summary=" ".join(t["content"] for t in turns[:3])[:400]),
            sentiment=[], audit=[]))
    return records


def run(count: int) -> None:
    import batch_core
    from batch_core import store
    from batch_core.store import client as redis_server
    client = redis_server.get_client()
    client.flushall()
    rng = random.Random(count)
    records = _records(count, rng)
    before = int(client.info("memory")["used_memory"])
    started = time.perf_counter()
    for record in records:
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
    print(f"{count:>6} meetings: stored in {stored_s:.1f} s, Redis {used / count / 1024:.1f} KB per meeting; "
          f"first query (builds the index) {first_s:.2f} s; then median {statistics.median(samples) * 1000:.0f} ms, "
          f"p95 {samples[int(len(samples) * 0.95) - 1] * 1000:.0f} ms per query (50 hits, sync with Redis included); "
          f"index {index.stat().st_size / count / 1024:.1f} KB per meeting")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 20000])
    args = parser.parse_args()
    os.environ.pop("REDIS_URL", None)
    for count in args.counts:
        os.environ["BATCH_DATA_DIR"] = tempfile.mkdtemp(prefix=f"bench-search-{count}-")
        from batch_core import config
        from batch_core.store import client as redis_server
        config.reload_settings()
        try:
            run(count)
        finally:
            redis_server.stop()


if __name__ == "__main__":
    main()
