"""Concurrent batches with a reader polling every one of them: shared by the test and the bench."""
from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import batch_core
from tests.durability.meetings import meetings

_COUNTERS = ("queued", "processing", "completed", "failed", "skipped", "canceled")


@dataclass
class LoadResult:
    batch_ids: list[str]
    read_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0

    def percentile(self, q: float) -> float:
        data = sorted(self.read_ms)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, int(round(q * (len(data) - 1))))]

    def summary(self) -> str:
        return (f"{len(self.batch_ids)} batches in {self.wall_seconds:.1f} s; {len(self.read_ms)} "
                f"status reads: p50 {self.percentile(0.5):.2f} ms, p95 {self.percentile(0.95):.2f} ms, "
                f"max {max(self.read_ms, default=float('nan')):.2f} ms, "
                f"mean {statistics.fmean(self.read_ms) if self.read_ms else float('nan'):.2f} ms; "
                f"{len(self.errors)} errors")


def read_problems(batch: dict) -> list[str]:
    """What a single get() snapshot shows that it should not (counts vs. the results list)."""
    rows = Counter(r["status"] for r in batch["results"])
    problems = [f"{batch['batch_id']}: {name}={batch[name]} but {rows[name]} rows"
                for name in _COUNTERS if batch[name] != rows[name]]
    if batch["total"] != len(batch["results"]):
        problems.append(f"{batch['batch_id']}: total {batch['total']} != {len(batch['results'])} rows")
    return problems


def run_load(batches: int, per_batch: int, poll_seconds: float, timeout: float = 600) -> LoadResult:
    """Submit `batches` at once, then poll every batch every `poll_seconds` until all are done."""
    started = time.monotonic()
    ids = [batch_core.submit(meetings(per_batch, start=b * 1000))["batch_id"] for b in range(batches)]
    result = LoadResult(ids)
    done: set[str] = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set() and len(done) < len(ids):
            for batch_id in ids:
                if batch_id in done:
                    continue
                began = time.perf_counter()
                try:
                    batch = batch_core.get(batch_id)
                except Exception as exc:  # every error counts against the run
                    result.errors.append(f"{batch_id}: {type(exc).__name__}: {exc}")
                    continue
                result.read_ms.append((time.perf_counter() - began) * 1000)
                if batch is None:
                    result.errors.append(f"{batch_id}: vanished")
                    continue
                result.errors.extend(read_problems(batch))
                if batch["status"] != "processing":
                    done.add(batch_id)
            stop.wait(poll_seconds)

    thread = threading.Thread(target=reader, name="status-reader")
    thread.start()
    thread.join(timeout)
    stop.set()
    thread.join()
    result.wall_seconds = time.monotonic() - started
    if len(done) < len(ids):
        result.errors.append(f"{len(ids) - len(done)} batches still processing after {timeout} s")
    return result
