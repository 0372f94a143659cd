"""Provider chaos over a 50-meeting batch, and an invalid API key, over real HTTP.

Retry counts are checked against the fake server's own log: the attempts recorded in each row
must equal the requests the server received for that meeting's title.
"""
from __future__ import annotations

import re
from collections import Counter

import batch_core
from batch_core import config
from tests.durability.invariant import assert_invariant
from tests.durability.meetings import meetings
from tests.fakes.llm_server import FakeResponse, random_faults

_TRIES = re.compile(r"\b(\d+) attempts?\b")


def test_random_provider_faults_end_each_meeting_once_with_exact_retry_counts(
        own_redis, fake_llm, set_workers, monkeypatch):
    monkeypatch.setenv("LLM_TIMEOUT_SECONDS", "0.5")
    config.reload_settings()
    set_workers(4)
    # slow answers take 1 s against a 0.5 s timeout: they count as timeouts
    fake_llm.plan = random_faults({"429": 0.12, "500": 0.1, "503": 0.05, "malformed": 0.1,
                                   "reset": 0.05, "slow": 0.08}, seed=20261129,
                                  retry_after=0.02, slow_delay=1.0)
    batch_id = batch_core.submit(meetings(50))["batch_id"]
    batch = batch_core.wait(batch_id, timeout=240, poll=0.1)

    assert batch["status"] == "completed", batch
    assert batch["completed"] + batch["failed"] == 50
    served = Counter(r.served for r in fake_llm.requests)
    assert {"http_429", "http_500", "malformed", "reset", "slow"} <= set(served), served
    per_title = Counter(r.title for r in fake_llm.requests)
    for row in batch["results"]:
        assert row["attempts"] == per_title[row["title"]], row
        assert 1 <= row["attempts"] <= 3, row
        if row["status"] == "failed":
            assert "Traceback" not in row["error"] and "\n" not in row["error"]
            tries = _TRIES.search(row["error"])
            assert tries and int(tries.group(1)) == row["attempts"], row
    assert sum(r["attempts"] for r in batch["results"]) == fake_llm.request_count
    assert batch["failed"] > 0 and any(r["attempts"] > 1 and r["status"] == "completed"
                                       for r in batch["results"])
    assert_invariant(own_redis, [batch_id])
    print(f"\nchaos: {batch['completed']} completed, {batch['failed']} failed, "
          f"{fake_llm.request_count} provider calls, served {dict(served)}")


def test_invalid_key_fails_the_whole_batch_after_at_most_one_call_per_worker(own_redis, fake_llm,
                                                                              set_workers):
    set_workers(3)
    fake_llm.default = FakeResponse.error(401)
    batch_id = batch_core.submit(meetings(30))["batch_id"]
    batch = batch_core.wait(batch_id, timeout=60, poll=0.05)

    # The first meetings call at once (a working key pays no probe); a 401 costs nothing.
    calls = fake_llm.request_count
    assert 1 <= calls <= 3
    assert (batch["status"], batch["failed"], batch["completed"]) == ("completed", 30, 0)
    assert {r["error"] for r in batch["results"]} == {"provider rejected the API key (401)"}
    assert sorted(r["attempts"] for r in batch["results"]) == [0] * (30 - calls) + [1] * calls
    assert_invariant(own_redis, [batch_id])


def test_a_later_batch_with_the_same_key_calls_again_and_runs(own_redis, fake_llm, set_workers):
    set_workers(3)
    working = fake_llm.default
    fake_llm.default = FakeResponse.error(401)
    first = batch_core.wait(batch_core.submit(meetings(5))["batch_id"], timeout=60, poll=0.05)
    rejected_calls = fake_llm.request_count
    assert first["failed"] == 5 and rejected_calls <= 3
    fake_llm.default = working  # the key was fixed at the provider
    second = batch_core.wait(batch_core.submit(meetings(5, start=10))["batch_id"], timeout=60,
                             poll=0.05)
    assert (second["completed"], second["failed"]) == (5, 0)
    assert fake_llm.request_count == rejected_calls + 5
    assert_invariant(own_redis)
