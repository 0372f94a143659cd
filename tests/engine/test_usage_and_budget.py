"""Provider usage through the engine (rows, records, batch totals), parts progress, the batch token budget."""
from __future__ import annotations

import batch_core
from batch_core import config
from tests.fakes.llm_server import FakeResponse
from tests.pipeline.long_meeting import long_transcript, tasks_answer
from tests.waiting import wait_for


def test_batch_usage_is_the_sum_of_its_meetings_and_of_what_the_provider_reported(
        llm_server, make_meeting, set_workers, monkeypatch):
    monkeypatch.setenv("LLM_PRICES", '{"fake-model": [1.0, 4.0]}')
    set_workers(2)
    llm_server.enqueue(FakeResponse.error(400))  # one meeting is refused: a call, no tokens
    batch_id = batch_core.submit([make_meeting(f"Plan {n}") for n in range(4)])["batch_id"]
    batch = batch_core.wait(batch_id, timeout=120, poll=0.05)
    assert (batch["completed"], batch["failed"]) == (3, 1)
    rows = batch["results"]
    assert all(row["usage"]["calls"] == 1 for row in rows)
    for key in ("input_tokens", "output_tokens", "calls"):
        assert batch["usage"][key] == sum(row["usage"][key] for row in rows)
    reported = llm_server.usage_totals
    assert batch["usage"]["input_tokens"] == reported["input_tokens"]
    assert batch["usage"]["output_tokens"] == reported["output_tokens"]
    assert batch["usage"]["calls"] == llm_server.request_count == 4
    assert batch["usage"]["cost_usd"] > 0
    done = next(row for row in rows if row["status"] == "completed")
    assert batch_core.get_meeting(done["meeting_id"])["usage"] == done["usage"]


def test_a_long_meeting_shows_which_part_is_extracted(llm_server, monkeypatch):
    monkeypatch.setenv("LLM_CONTEXT_TOKENS", "8192")
    config.reload_settings()
    llm_server.context_limit = 8192
    seen: set[str] = set()

    def slow_parts(request):
        answer = tasks_answer(request)
        if answer is not None:
            answer.delay = 0.3
        return answer
    llm_server.plan = slow_parts
    batch_id = batch_core.submit([{"title": "Operations review", "tier": "ordinary",
                                   "transcript": long_transcript(60)}])["batch_id"]

    def second_part_shown() -> bool:
        row = batch_core.get(batch_id)["results"][0]
        if row.get("progress"):
            seen.add(row["progress"])
        return any(p.startswith("2/") for p in seen)
    wait_for(second_part_shown, timeout=60, what="the row to say extract 2/N")
    batch = batch_core.wait(batch_id, timeout=120, poll=0.05)
    row = batch["results"][0]
    assert row["status"] == "completed" and row["progress"] is None
    total = int(next(iter(seen)).split("/")[1])
    assert total >= 2 and row["usage"]["calls"] == total + 1  # parts + the summary call


def test_batch_token_budget_stops_sending_and_fails_the_rest_with_that_reason(
        llm_server, make_meeting, set_workers, monkeypatch):
    set_workers(1)  # one meeting at a time: the budget check sees every earlier call
    monkeypatch.setenv("LLM_MAX_BATCH_TOKENS", "2500")
    config.reload_settings()
    batch_id = batch_core.submit([make_meeting(f"Plan {n}") for n in range(5)])["batch_id"]
    batch = batch_core.wait(batch_id, timeout=120, poll=0.05)
    per_call = batch["usage"]["input_tokens"] / max(1, batch["usage"]["calls"])
    assert per_call < 2500  # one meeting fits, two do not (the test's premise)
    sent = llm_server.request_count
    assert batch["completed"] == sent and 1 <= sent < 5
    failed = [row for row in batch["results"] if row["status"] == "failed"]
    assert len(failed) == 5 - sent
    for row in failed:
        assert "LLM_MAX_BATCH_TOKENS=2,500" in row["error"] and row["usage"]["calls"] == 0
    assert batch["usage"]["input_tokens"] + batch["usage"]["output_tokens"] >= 2500
