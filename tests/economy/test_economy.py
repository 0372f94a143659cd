"""Economy mode end to end: the app's own engine against the fake server's Message Batches and
Batch API over real HTTP, through the official anthropic and openai SDKs (each test runs for
both). Real redis-server; the fake answers every request inside a batch as its live endpoint
would, and reveals the results over time."""
from __future__ import annotations

import os

import pytest
import redis

import batch_core
from batch_core import config
from batch_core.engine import economy, pool
from batch_core.engine.economy import sending
from tests.durability.invariant import assert_invariant
from tests.durability.meetings import meetings as durable_meetings
from tests.durability.test_sensitive_at_rest import _meetings as planted_meetings
from tests.durability.test_sensitive_at_rest import _secrets as planted_secrets
from tests.fakes.llm_server import FakeResponse
from tests.redis_scan import every_value
from tests.waiting import wait_for

PRICES = '{"fake-model": [3.0, 15.0]}'


def _client() -> redis.Redis:
    return redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


def _sent(batch_id: str) -> dict:
    """The batch once its provider batch id is recorded and every meeting waits at the provider."""
    def ready():
        batch = batch_core.get(batch_id)
        ids = [b["id"] for b in batch["economy"]["provider_batches"]]
        waiting = all(r["stage"] == "at_provider" for r in batch["results"] if r["status"] == "processing")
        return batch if ids and all(ids) and waiting and batch["processing"] else None
    return wait_for(ready, 60, "the requests to be at the provider")


def by_title_in_batch(outcomes: dict[str, FakeResponse]):
    """A plan for requests inside provider batches only (a live fallback gets a good answer)."""
    def plan(request):
        if not getattr(request, "via_batch", False):
            return None
        return next((answer for word, answer in outcomes.items() if word in (request.title or "")), None)
    return plan


def test_a_sixty_meeting_import_ends_with_each_meeting_in_its_right_state(economy_server, monkeypatch):
    monkeypatch.setenv("BATCH_MAX_MEETINGS", "60")
    monkeypatch.setenv("LLM_PRICES", PRICES)
    config.reload_settings()
    meetings = durable_meetings(60)
    for n, word in ((3, "refused"), (11, "refused"), (40, "refused"), (7, "expiring"), (25, "expiring"),
                    (59, "expiring"), (18, "broken"), (33, "broken")):
        meetings[n]["title"] += f" {word}"
    economy_server.plan = by_title_in_batch({
        "refused": FakeResponse.error(400), "expiring": FakeResponse.expired(), "broken": FakeResponse.malformed_json()})

    batch = batch_core.wait(batch_core.submit(meetings, mode="economy")["batch_id"], timeout=120)

    assert (batch["status"], batch["mode"], batch["completed"], batch["failed"]) == ("completed", "economy", 54, 6)
    rows = {r["title"]: r for r in batch["results"]}
    for row in rows.values():
        if "refused" in row["title"]:
            assert row["status"] == "failed" and "fake provider error 400" in row["error"]
        elif "expiring" in row["title"]:
            assert row["status"] == "failed" and "expired at the provider after 24 h" in row["error"]
        else:
            assert row["status"] == "completed", row
    # One provider batch with one request per meeting; the two broken answers went live once each.
    assert len(economy_server.batches.creates) == 1 and economy_server.batches.requests_sent() == 60
    live = [r for r in economy_server.requests if not getattr(r, "via_batch", False)]
    assert sorted(r.title for r in live) == sorted(t for t in rows if "broken" in t)
    broken = batch_core.get_meeting(rows[next(t for t in rows if "broken" in t)]["meeting_id"])
    assert any("extracted live, at the list price" in w for w in broken["warnings"])
    plain = batch_core.get_meeting(rows[meetings[0]["title"]]["meeting_id"])
    assert plain["insights"]["summary"] == f"Summary of {meetings[0]['title']}."
    extract = next(e for e in plain["audit"] if e["step"] == "extract")
    assert extract["detail"]["mode"] == "economy" and extract["detail"]["provider_batch_id"]
    # Cost at the batch price: what was saved is what the batch-priced answers cost.
    economy_info = batch["economy"]
    assert economy_info["saving_usd"] > 0 and economy_info["done"] == 60
    assert batch["usage"]["cost_usd"] == pytest.approx(economy_info["saving_usd"] + sum(
        batch_core.get_meeting(rows[t]["meeting_id"])["usage"]["cost_usd"] for t in rows if "broken" in t), rel=1e-4)
    assert_invariant(_client(), [batch["batch_id"]])


def test_cancel_midway_cancels_the_provider_batch(economy_server, make_meeting):
    economy_server.batches.hold = True
    batch_id = batch_core.submit([make_meeting(f"Cancel me {n}") for n in range(6)], mode="economy")["batch_id"]
    provider_id = _sent(batch_id)["economy"]["provider_batches"][0]["id"]
    batch_core.cancel(batch_id)
    batch = batch_core.wait(batch_id, timeout=60)
    assert (batch["status"], batch["outcome"], batch["canceled"], batch["completed"]) == ("canceled", "canceled", 6, 0)
    assert economy_server.batches.cancels == [provider_id]
    assert batch["economy"]["provider_batches"][0]["counts"]["canceled"] == 6
    assert all("canceled at the provider" in r["error"] for r in batch["results"])


def test_a_sensitive_economy_batch_sends_no_planted_value(economy_server):
    batch = batch_core.wait(batch_core.submit(planted_meetings(), mode="economy")["batch_id"], timeout=120)
    assert batch["completed"] == batch["total"] > 0, [r["error"] for r in batch["results"]]
    sent = economy_server.all_request_text()
    assert "<PERSON_" in sent  # the requests really carry the redacted transcripts
    leaked = [value for value in planted_secrets() if value in sent]
    assert not leaked, f"sent to the provider unredacted: {leaked[:5]}"
    stored = every_value(_client())  # every key of every type, the economy ledger included
    assert f"batch:{batch['batch_id']}:economy" in stored  # the ledger was scanned too
    kept = [value for value in planted_secrets() if value in stored]
    assert not kept, f"stored unredacted: {kept[:5]}"


def test_a_long_meeting_becomes_one_request_per_part(economy_server, monkeypatch, make_meeting):
    monkeypatch.setenv("LLM_CONTEXT_TOKENS", "3000")
    monkeypatch.setenv("LLM_OUTPUT_TOKENS", "400")
    config.reload_settings()
    lines = "\n".join(f"Speaker {n % 3}: In point {n} we went over the budget line for the north depot again."
                      for n in range(260))
    batch = batch_core.wait(batch_core.submit([make_meeting("Long review", transcript=lines)], mode="economy")["batch_id"],
                            timeout=60)
    record = batch_core.get_meeting(batch["results"][0]["meeting_id"])
    parts = next(e for e in record["audit"] if e["step"] == "extract")["detail"]["parts"]
    assert parts > 1 and economy_server.batches.requests_sent() == parts
    summaries = [r for r in economy_server.requests if not getattr(r, "via_batch", False)]
    assert len(summaries) == 1 and "consecutive parts" in summaries[0].prompt
    assert record["insights"]["summary"] == "Summary of Long review from its parts."


def test_expired_meetings_can_be_retried_live(economy_server, make_meeting):
    economy_server.plan = by_title_in_batch({"Late": FakeResponse.expired()})
    batch_id = batch_core.submit([make_meeting("Late one"), make_meeting("On time")], mode="economy")["batch_id"]
    first = batch_core.wait(batch_id, timeout=60)
    assert (first["completed"], first["failed"]) == (1, 1)
    again = batch_core.wait(batch_core.retry_failed(batch_id, mode="live")["batch_id"], timeout=60)
    assert (again["completed"], again["failed"], again["mode"]) == (2, 0, "live"), [r.get("error") for r in again["results"]]
    assert len(economy_server.batches.creates) == 1  # the retry went live, not in a new provider batch


def test_an_intent_left_without_its_id_is_found_at_the_provider_not_sent_again(economy_server, monkeypatch,
                                                                               make_meeting):
    crashed = []
    confirm = sending.Sender._confirmed

    def crash_once(self, submission, provider_batch_id):
        if not crashed:
            crashed.append(provider_batch_id)
            raise RuntimeError("the process stopped between the provider's answer and the id's write")
        confirm(self, submission, provider_batch_id)

    monkeypatch.setattr(sending.Sender, "_confirmed", crash_once)
    batch_id = batch_core.submit([make_meeting(f"Intent {n}") for n in range(3)], mode="economy")["batch_id"]
    wait_for(lambda: crashed and not economy.is_driving(batch_id), 30, "the driver to stop after the create")
    pool.get_runner().schedule(batch_id, [])  # what adoption or the recovery scan does next
    batch = batch_core.wait(batch_id, timeout=60)
    assert batch["completed"] == 3
    assert economy_server.batches.creates == crashed  # found by its tag or time and size: one provider batch
    assert batch["economy"]["provider_batches"][0]["id"] == crashed[0]


def test_the_local_provider_says_it_has_no_economy_mode(make_meeting, monkeypatch):
    monkeypatch.setenv("LLM_PROVIDER", "local")
    config.reload_settings()
    with pytest.raises(batch_core.BatchError, match="local provider has no economy mode"):
        batch_core.submit([make_meeting()], mode="economy")
    with pytest.raises(batch_core.BatchError, match="mode must be 'live' or 'economy'"):
        batch_core.submit([make_meeting()], mode="cheap")
    assert batch_core.list_batches() == []


def test_the_token_budget_is_kept_before_the_batch_is_sent(economy_server, monkeypatch):
    """An economy batch goes whole: LLM_MAX_BATCH_TOKENS decides which meetings go, before it is sent."""
    meetings = durable_meetings(5)
    from batch_core.models import MeetingIn
    from batch_core.pipeline.estimate import estimate_meeting  # what the Upload page shows for each
    estimates = [estimate_meeting(MeetingIn.model_validate(m), config.settings()) for m in meetings]
    two = sum(e["input_tokens"] + e["output_tokens"] for e in estimates[:2])
    third = estimates[2]["input_tokens"] + estimates[2]["output_tokens"]
    monkeypatch.setenv("LLM_MAX_BATCH_TOKENS", str(two + third // 2))  # room for two meetings, not three
    config.reload_settings()
    batch = batch_core.wait(batch_core.submit(meetings, mode="economy")["batch_id"], timeout=120)
    assert (batch["completed"], batch["failed"]) == (2, 3), [r["error"] for r in batch["results"]]
    assert [r["status"] for r in batch["results"]] == ["completed", "completed", "failed", "failed", "failed"]
    assert all("LLM_MAX_BATCH_TOKENS" in r["error"] for r in batch["results"][2:])
    assert economy_server.batches.requests_sent() == 2
