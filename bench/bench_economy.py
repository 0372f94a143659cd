"""Economy mode against the fake provider's batch APIs (both SDKs): what the local side costs and
what the batch price saves.

For each provider: 50 meetings (25 ordinary, 25 sensitive) submitted in economy mode. Printed:
time from submit until every meeting waits at the provider (parse + redact + build requests,
done here), time from the provider batch's end until every meeting is stored, requests per
meeting, and the recorded cost against the same 50 meetings run live.

Run: .venv/bin/python bench/bench_economy.py   (prints numbers; no asserts)
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.durability.meetings import meetings as sample_meetings  # noqa: E402
from tests.fakes.llm_server import FakeLLMServer  # noqa: E402


def _wait(predicate, timeout: float = 300.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise TimeoutError("the batch did not get there in time")


def run(provider: str, batch_core, config, offset: int) -> None:
    with FakeLLMServer() as server:
        os.environ.update(server.env(provider))
        os.environ.update({"BATCH_ECONOMY_POLL_SECONDS": "0.05", "BATCH_ECONOMY_POLL_MAX_SECONDS": "0.2",
                           "LLM_PRICES": '{"fake-model": [3.0, 15.0]}'})
        config.reload_settings()
        batch_core.reset_for_tests()
        meetings = sample_meetings(25, start=offset) + sample_meetings(25, start=offset + 100, tier="sensitive")
        server.batches.hold = True
        started = time.perf_counter()
        batch_id = batch_core.submit(meetings, mode="economy")["batch_id"]

        def at_provider():
            batch = batch_core.get(batch_id)
            waiting = [r for r in batch["results"] if r["status"] == "processing"]
            return len(waiting) == 50 and all(r["stage"] == "at_provider" for r in waiting) and \
                batch["economy"]["provider_batches"]
        _wait(at_provider)
        sent = time.perf_counter() - started
        server.batches.hold = False
        ended = time.perf_counter()
        batch = batch_core.wait(batch_id, timeout=300, poll=0.02)
        collected = time.perf_counter() - ended
        live = batch_core.wait(batch_core.submit(
            sample_meetings(25, start=offset + 200) + sample_meetings(25, start=offset + 300, tier="sensitive"))["batch_id"], timeout=300)
        print(f"{provider:>9}: 50 meetings -> at the provider in {sent:.2f} s ({sent / 50 * 1000:.0f} ms per meeting, "
              f"25 redacted); collected and stored in {collected:.2f} s after the provider ended "
              f"(poll interval up to 0.2 s); {server.batches.requests_sent()} requests in "
              f"{len(server.batches.creates)} provider batch; completed {batch['completed']}/50; "
              f"cost economy ${batch['usage']['cost_usd']:.4f} vs live ${live['usage']['cost_usd']:.4f} "
              f"(saved ${batch['economy']['saving_usd']:.4f})")


def main() -> None:
    os.environ.pop("REDIS_URL", None)
    os.environ["BATCH_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-economy-")
    import batch_core
    from batch_core import config
    from batch_core.store import client as redis_server

    try:
        for offset, provider in enumerate(("anthropic", "openai")):
            run(provider, batch_core, config, 1000 * (offset + 1))
    finally:
        batch_core.reset_for_tests()
        redis_server.stop()


if __name__ == "__main__":
    main()
