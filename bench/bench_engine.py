"""Engine benchmark: parallel efficiency, engine overhead per meeting, submit latency.

Runs on the real stack: an embedded redis-server in a temporary data dir, the thread pool,
the local provider, and the fake OpenAI-compatible server (tests/fakes/llm_server.py) for the
latency runs. Prints numbers; it asserts nothing. On a shared 2-core machine they are noisy.

    .venv/bin/python bench/bench_engine.py [--quick]
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import batch_core  # noqa: E402
from batch_core.store import client as redis_server  # noqa: E402
from batch_core.store import embedded  # noqa: E402
from batch_core.config import reload_settings  # noqa: E402
from batch_core.models import MeetingIn  # noqa: E402
from tests.fakes import llm_server  # noqa: E402
from tests.fakes.llm_server import FakeLLMServer, FakeResponse  # noqa: E402

# The fake server writes headers and body separately; with Nagle on, each keep-alive response
# waits ~40 ms for a delayed ACK, a cost no real provider adds and not the engine's.
llm_server._Handler.disable_nagle_algorithm = True

SAMPLE = ROOT / "samples" / "01_product_launch_sync.txt"
WORDS_PER_HOUR = 9000  # ~150 spoken words per minute


def one_hour_transcript(seed: int) -> str:
    """About an hour of meeting: the sample's lines repeated with increasing timestamps."""
    lines = [ln for ln in SAMPLE.read_text().splitlines() if "] " in ln]
    out, words, second = [], 0, 0
    while words < WORDS_PER_HOUR:
        for line in lines:
            text = line.split("] ", 1)[1]
            second += 9
            stamp = f"[{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}]"
            out.append(f"{stamp} {text} (part {seed}-{second})")
            words += len(text.split()) + 2
            if words >= WORDS_PER_HOUR:
                break
    return "\n".join(out) + "\n"


def configure(**env: str) -> None:
    os.environ.update(env)
    reload_settings()
    batch_core.reset_for_tests()  # rebuild the pool with the new settings


def run_batch(meetings: list[dict]) -> tuple[float, dict]:
    started = time.perf_counter()
    result = batch_core.submit(meetings, on_duplicate="allow_duplicates")
    batch = batch_core.wait(result["batch_id"], poll=0.02)
    return time.perf_counter() - started, batch


def bench_parallel(latency: float, count: int, worker_counts: list[int]) -> None:
    print(f"\n== Parallel efficiency: {count} meetings, fake provider latency {latency:.1f} s")
    print(f"{'workers':>8} {'wall s':>8} {'ideal s':>8} {'efficiency':>10}")
    text = SAMPLE.read_text()
    with FakeLLMServer(default=FakeResponse.ok(delay=latency)) as server:
        for workers in worker_counts:
            configure(**server.env("openai"), BATCH_MAX_WORKERS=str(workers))
            server.enqueue(FakeResponse.ok())  # warm-up: SDK import and client setup
            run_batch([{"title": f"Warm-up {workers}", "tier": "ordinary", "transcript": text}])
            meetings = [{"title": f"Parallel {workers}-{i}", "tier": "ordinary",
                         "transcript": text} for i in range(count)]
            wall, batch = run_batch(meetings)
            ideal = math.ceil(count / workers) * latency
            assert batch["completed"] == count, batch
            print(f"{workers:>8} {wall:>8.2f} {ideal:>8.2f} {ideal / wall:>10.2f}")


def bench_overhead(count: int) -> None:
    print(f"\n== Engine overhead per meeting: {count} one-hour transcripts, local provider, 1 worker")
    from batch_core.pipeline import run_pipeline
    configure(LLM_PROVIDER="local", BATCH_MAX_WORKERS="1")
    meetings = [{"title": f"Hour {i}", "tier": "ordinary", "transcript": one_hour_transcript(i)}
                for i in range(count)]
    words = statistics.mean(len(m["transcript"].split()) for m in meetings)
    run_pipeline(MeetingIn(**meetings[0]), "meeting_warmup", None)  # imports, caches
    pipeline_s = []
    for i, meeting in enumerate(meetings):
        started = time.perf_counter()
        run_pipeline(MeetingIn(**meeting), f"meeting_direct{i}", None)
        pipeline_s.append(time.perf_counter() - started)
    wall, batch = run_batch(meetings)
    per_meeting = wall / count
    pipeline = statistics.mean(pipeline_s)
    rows = batch["results"]
    in_row = [r["duration_ms"] - sum(v for k, v in r["stage_ms"].items() if k != "store")
              for r in rows]
    print(f"transcript size: {words:,.0f} words, {len(meetings[0]['transcript']):,} chars")
    print(f"pipeline alone (direct call): {pipeline * 1000:8.1f} ms per meeting")
    print(f"through the engine (submit -> all done): {per_meeting * 1000:8.1f} ms per meeting")
    print(f"engine overhead, wall-clock difference: {(per_meeting - pipeline) * 1000:8.1f} ms per meeting")
    print(f"engine overhead inside the row (claim, stage writes, store): "
          f"{statistics.mean(in_row):6.1f} ms mean, {max(in_row):6.1f} ms max")


def bench_submit(rounds: int) -> None:
    print(f"\n== Submit latency: 50 meetings ({rounds} rounds, median)")
    configure(LLM_PROVIDER="local", BATCH_MAX_WORKERS="1")
    sample = SAMPLE.read_text()
    hour = one_hour_transcript(0)
    cases = (("sample (~1.2k words)", sample, "ordinary"), ("one hour (~9k words)", hour, "ordinary"),
             # sensitive: titles redacted and every input sealed (Fernet) before anything is stored
             ("one hour, sensitive", hour, "sensitive"))
    for label, text, tier in cases:
        timings = []
        for r in range(rounds):
            meetings = [{"title": f"Submit {label} {r}-{i} Ingrid Solberg", "tier": tier,
                         "transcript": text} for i in range(50)]
            started = time.perf_counter()
            result = batch_core.submit(meetings, on_duplicate="allow_duplicates")  # the same text 50 times
            timings.append(time.perf_counter() - started)
            batch_core.cancel(result["batch_id"])  # keep the pool from competing for the CPU
            batch_core.wait(result["batch_id"], poll=0.02)
        print(f"{label:>22}: median {statistics.median(timings) * 1000:7.1f} ms, "
              f"max {max(timings) * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (0.2 s latency)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as data_dir:
        os.environ.pop("REDIS_URL", None)
        configure(BATCH_DATA_DIR=data_dir)
        print(f"redis: embedded ({embedded.ensure_server()}), cpus: {os.cpu_count()}")
        try:
            latency = 0.2 if args.quick else 1.0
            bench_parallel(latency, 20, [1, 3, 10])
            bench_overhead(3 if args.quick else 5)
            bench_submit(3 if args.quick else 5)
        finally:
            batch_core.reset_for_tests()
            redis_server.stop()
    print("\nTargets: efficiency >= 0.9 at 3 and 10 workers; overhead <= 150 ms per one-hour "
          "transcript; submit <= 300 ms. Shared 2-core machine: expect noise.")


if __name__ == "__main__":
    main()
