"""Long meetings within a context budget, over real HTTP to a fake that enforces its window."""
from __future__ import annotations

import re

import pytest

from batch_core import config
from batch_core.models import MeetingIn
from batch_core.pipeline.estimate import estimate_batch
from batch_core.pipeline.extract import forget_learned_windows
from tests.pipeline.helpers import extract_entry, run
from tests.pipeline.long_meeting import TASKS, long_transcript, tasks_answer


@pytest.fixture(autouse=True)
def _fresh_windows():
    forget_learned_windows()
    yield
    forget_learned_windows()


def two_hour_meeting() -> MeetingIn:
    return MeetingIn(title="Operations review", tier="ordinary", transcript=long_transcript(120))


def task_numbers(record) -> list[int]:
    return sorted(int(m) for item in record.insights.action_items for m in re.findall(r"TASK-(\d+)", item.task))


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_two_hour_meeting_completes_in_parts_within_the_window(fake_llm, provider):
    server = fake_llm.use(provider, LLM_CONTEXT_TOKENS=8192)
    server.context_limit = 8192
    server.plan = tasks_answer
    stages: list = []
    record = run(two_hour_meeting(), stages)
    extract = extract_entry(record).detail
    assert extract["parts"] >= 4, extract
    for request in server.requests:
        sent_max = request.body.get("max_tokens") or request.body.get("max_completion_tokens")
        assert request.prompt_tokens + sent_max <= 8192, (request.prompt_tokens, sent_max)
    assert all(r.served != "context_exceeded" for r in server.requests)
    # Every commitment, from the first part to the last, once each (the overlap is merged away).
    assert task_numbers(record) == list(range(12))
    # One call per part plus the summary call, whose answer became the meeting's summary.
    assert server.request_count == extract["parts"] + 1
    assert record.insights.summary == "Summary of Operations review from its parts."
    assert [t.name for t in record.insights.key_topics] == ["Delivery"]


def test_server_with_a_smaller_window_than_configured_still_completes(fake_llm):
    server = fake_llm.use("openai", LLM_CONTEXT_TOKENS=32000)
    server.context_limit = 6000
    server.plan = tasks_answer
    record = run(two_hour_meeting())
    served = [r.served for r in server.requests]
    assert served.count("context_exceeded") >= 1
    assert task_numbers(record) == list(range(12))
    notes = " ".join(extract_entry(record).detail["notes"])
    assert "did not fit" in notes and "lowered to" in notes
    # The window was learned: a second meeting on the same server is split right away.
    server.clear()
    run(two_hour_meeting())
    assert all(r.served != "context_exceeded" for r in server.requests)


def test_a_window_the_server_does_not_name_is_found_by_halving(fake_llm):
    server = fake_llm.use("anthropic", LLM_CONTEXT_TOKENS=40000)
    server.context_limit, server.name_limit = 9000, False
    server.plan = tasks_answer
    record = run(two_hour_meeting())
    assert any(r.served == "context_exceeded" for r in server.requests)
    assert task_numbers(record) == list(range(12))


def test_usage_totals_equal_what_the_provider_reported(fake_llm):
    server = fake_llm.use("openai", LLM_CONTEXT_TOKENS=8192)
    server.context_limit = 8192
    server.plan = tasks_answer
    record = run(two_hour_meeting())
    reported = server.usage_totals
    assert record.usage["input_tokens"] == reported["input_tokens"]
    assert record.usage["output_tokens"] == reported["output_tokens"]
    assert record.usage["calls"] == server.request_count
    assert record.usage["cost_usd"] == 0.0  # "fake-model" has no price: reported as 0, never guessed


def test_failed_and_retried_calls_are_counted(fake_llm):
    from tests.fakes.llm_server import FakeResponse
    server = fake_llm.use("openai", LLM_PRICES='{"fake-model": [1.0, 2.0]}')
    server.enqueue(FakeResponse.error(500), FakeResponse.malformed_json(), FakeResponse.ok())
    record = run(MeetingIn(title="Short", tier="ordinary", transcript=long_transcript(3, tasks=2)))
    assert record.usage["calls"] == 3
    reported = server.usage_totals  # the 500 had no usage; both answers did
    assert reported["answers"] == 2
    assert record.usage["input_tokens"] == reported["input_tokens"]
    cached = reported["cache_read_tokens"]  # the second answer read the prefix from the cache
    expected = ((reported["input_tokens"] - cached) * 1.0 + cached * 0.5 + reported["output_tokens"] * 2.0) / 1e6
    assert record.usage["cost_usd"] == pytest.approx(expected, abs=1e-6)  # stored to the micro-dollar


def test_truncated_answer_splits_the_part_instead_of_failing(fake_llm):
    from tests.fakes.llm_server import FakeResponse
    server = fake_llm.use("openai", LLM_CONTEXT_TOKENS=128000)  # one part, until the cut-off
    server.plan = tasks_answer
    server.enqueue(FakeResponse.cut_off())
    record = run(MeetingIn(title="Weekly", tier="ordinary", transcript=long_transcript(20, tasks=4)))
    assert server.requests[0].served == "truncated"
    detail = extract_entry(record).detail
    assert "output limit" in " ".join(detail["notes"])
    assert detail["parts"] == 2
    assert task_numbers(record) == [0, 1, 2, 3]


def test_output_budget_is_sent_explicitly(fake_llm):
    server = fake_llm.use("anthropic", LLM_OUTPUT_TOKENS=3000, LLM_CONTEXT_TOKENS=128000)
    run(MeetingIn(title="Weekly", tier="ordinary", transcript=long_transcript(5, tasks=2)))
    assert server.requests[0].body["max_tokens"] == 3000
    openai_server = fake_llm.use("openai", LLM_OUTPUT_TOKENS=2500, LLM_CONTEXT_TOKENS=128000)
    openai_server.clear()
    run(MeetingIn(title="Weekly", tier="ordinary", transcript=long_transcript(5, tasks=2)))
    # A self-hosted base URL gets the parameter every compatible server reads.
    assert openai_server.requests[0].body["max_tokens"] == 2500


@pytest.mark.parametrize("minutes", [60, 120])
def test_estimate_is_within_15_percent_of_the_tokens_used(fake_llm, minutes):
    server = fake_llm.use("openai", LLM_CONTEXT_TOKENS=8192)
    server.context_limit = 8192
    server.plan = tasks_answer
    meeting = MeetingIn(title="Operations review", tier="ordinary", transcript=long_transcript(minutes))
    estimate = estimate_batch([meeting], config.settings())
    record = run(meeting)
    assert estimate["calls"] == record.usage["calls"]
    assert estimate["input_tokens"] == pytest.approx(record.usage["input_tokens"], rel=0.15)
    # Output is a typical answer size (the fake's answers are shorter than a real model's), so
    # only its order is checked: more than the fake wrote, and within a few hundred per call.
    assert record.usage["output_tokens"] <= estimate["output_tokens"] <= record.usage["output_tokens"] + 800 * estimate["calls"]


def test_tasks_in_fixture_are_distinct():
    assert len(set(TASKS)) == len(TASKS)


def test_anthropic_caches_the_fixed_prompt_and_prices_cache_reads_lower(fake_llm):
    server = fake_llm.use("anthropic", LLM_PRICES='{"fake-model": [3.0, 15.0]}')
    first = run(MeetingIn(title="One", tier="ordinary", transcript=long_transcript(5, tasks=2)))
    second = run(MeetingIn(title="Two", tier="ordinary", transcript=long_transcript(5, tasks=2, seed=8)))
    system = server.requests[0].body["system"]
    assert system[0]["cache_control"] == {"type": "ephemeral"}
    # Same size of meeting, but the second reads the ~1.7k-token prefix from the cache.
    assert second.usage["input_tokens"] == pytest.approx(first.usage["input_tokens"], rel=0.05)
    assert second.usage["cost_usd"] < first.usage["cost_usd"] * 0.7


def test_openai_cached_prompt_tokens_are_counted_once_and_priced_lower(fake_llm):
    server = fake_llm.use("openai", LLM_PRICES='{"fake-model": [1.0, 4.0]}')
    first = run(MeetingIn(title="One", tier="ordinary", transcript=long_transcript(5, tasks=2)))
    second = run(MeetingIn(title="Two", tier="ordinary", transcript=long_transcript(5, tasks=2, seed=8)))
    assert server.usage_totals["input_tokens"] == first.usage["input_tokens"] + second.usage["input_tokens"]
    assert second.usage["cost_usd"] < first.usage["cost_usd"]


def test_a_small_window_reserves_a_quarter_for_the_answer(fake_llm):
    server = fake_llm.use("openai", LLM_CONTEXT_TOKENS=8192)
    run(MeetingIn(title="Weekly", tier="ordinary", transcript=long_transcript(5, tasks=2)))
    assert server.requests[0].body["max_tokens"] == 2048
