"""OpenAI and Anthropic providers over real HTTP to the fake server: answers, retries, readable errors."""
from __future__ import annotations

import json

import pytest

from batch_core.pipeline import MeetingFailed, ProviderAuthError
from tests.fakes.llm_server import FakeResponse
from tests.pipeline.helpers import extract_entry, meeting, run


def test_happy_path_returns_validated_insights_from_the_provider(provider_server, fake_llm):
    record = run(meeting(title="Quarterly review"))
    assert provider_server.request_count == 1
    assert record.provider == fake_llm.provider and record.model == "fake-model"
    # The fake server puts the title it received into the summary: proves the answer came over HTTP.
    assert record.insights.summary == "Summary of Quarterly review."
    assert record.insights.action_items[0].owner == "SPEAKER_2"
    assert extract_entry(record).detail["attempts"] == 1


def test_openai_request_uses_strict_json_schema_and_no_sdk_retries(fake_llm):
    server = fake_llm.use("openai")
    run(meeting())
    sent = server.requests[0]
    assert sent.path == "/v1/chat/completions"
    response_format = sent.body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    assert set(response_format["json_schema"]["schema"]["required"]) == {
        "summary", "decisions", "action_items", "key_topics", "open_questions"}
    assert sent.headers["authorization"] == "Bearer test-key"
    assert sent.headers.get("x-stainless-retry-count", "0") == "0"


def test_anthropic_request_forces_the_insights_tool(fake_llm):
    server = fake_llm.use("anthropic")
    run(meeting())
    sent = server.requests[0]
    assert sent.path == "/v1/messages"
    tool = sent.body["tools"][0]
    assert sent.body["tool_choice"] == {"type": "tool", "name": tool["name"]}
    assert "summary" in tool["input_schema"]["properties"]
    # The SDK chooses the header (x-api-key or a bearer token); either way the key is sent.
    assert "test-key" in (sent.headers.get("x-api-key", "") + sent.headers.get("authorization", ""))


def test_429_with_retry_after_is_honoured_then_succeeds(provider_server):
    provider_server.enqueue(FakeResponse.rate_limited(retry_after=0.2), FakeResponse.ok())
    record = run(meeting())
    assert provider_server.request_count == 2
    detail = extract_entry(record).detail
    assert detail["attempts"] == 2
    # The wait came from the provider's header, not from the (0.01 s) backoff.
    assert detail["retries"][0]["retry_after"] == pytest.approx(0.2)
    assert detail["retries"][0]["wait_seconds"] == pytest.approx(0.2)


def test_retry_after_ms_header_is_understood(fake_llm):
    server = fake_llm.use("openai")
    server.enqueue(FakeResponse.error(429, retry_after_ms=150), FakeResponse.ok())
    detail = extract_entry(run(meeting())).detail
    assert detail["retries"][0]["wait_seconds"] == pytest.approx(0.15)


def test_retry_after_is_capped_by_llm_retry_max_seconds(fake_llm):
    server = fake_llm.use("openai", LLM_RETRY_MAX_SECONDS=0.1)
    server.enqueue(FakeResponse.rate_limited(retry_after=120), FakeResponse.ok())
    detail = extract_entry(run(meeting())).detail
    assert detail["retries"][0]["wait_seconds"] == pytest.approx(0.1)


def test_429_every_time_fails_after_three_attempts(provider_server):
    provider_server.enqueue(*[FakeResponse.rate_limited(retry_after=0)] * 3)
    with pytest.raises(MeetingFailed) as failure:
        run(meeting())
    assert str(failure.value) == "rate limited by provider after 3 attempts"
    assert failure.value.attempts == 3
    assert provider_server.request_count == 3


def test_three_500s_fail_after_exactly_three_calls(provider_server):
    provider_server.enqueue(*[FakeResponse.error(500)] * 3, FakeResponse.ok())
    with pytest.raises(MeetingFailed) as failure:
        run(meeting())
    assert str(failure.value) == "provider unavailable (HTTP 500) after 3 attempts"
    assert provider_server.request_count == 3
    assert not isinstance(failure.value, ProviderAuthError)


def test_max_retries_setting_bounds_the_attempts(fake_llm):
    server = fake_llm.use("openai", LLM_MAX_RETRIES=0)
    server.enqueue(FakeResponse.error(503), FakeResponse.ok())
    with pytest.raises(MeetingFailed, match=r"provider unavailable \(HTTP 503\) after 1 attempt$"):
        run(meeting())
    assert server.request_count == 1


def test_mixed_transient_faults_then_success_counts_every_attempt(provider_server):
    provider_server.enqueue(FakeResponse.error(503), FakeResponse.rate_limited(retry_after=0), FakeResponse.ok())
    record = run(meeting())
    assert extract_entry(record).detail["attempts"] == 3
    assert provider_server.request_count == 3


def test_malformed_json_gets_one_more_attempt_then_a_clear_error(provider_server):
    provider_server.enqueue(FakeResponse.malformed_json(), FakeResponse.malformed_json(), FakeResponse.ok())
    with pytest.raises(MeetingFailed) as failure:
        run(meeting())
    assert provider_server.request_count == 2
    assert str(failure.value).startswith(
        "the provider's answer was not valid JSON for the insights schema after 2 attempts")


def test_malformed_json_once_then_valid_answer_succeeds(provider_server):
    provider_server.enqueue(FakeResponse.malformed_json(), FakeResponse.ok())
    record = run(meeting())
    assert extract_entry(record).detail["attempts"] == 2


def test_schema_invalid_answer_names_the_problem(provider_server):
    provider_server.enqueue(FakeResponse.wrong_schema(), FakeResponse.wrong_schema())
    with pytest.raises(MeetingFailed, match="not valid JSON for the insights schema after 2 attempts") as failure:
        run(meeting())
    assert provider_server.request_count == 2
    assert "Traceback" not in str(failure.value)


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_key_fails_fast_with_provider_auth_error(provider_server, status):
    provider_server.enqueue(FakeResponse.error(status), FakeResponse.ok())
    with pytest.raises(ProviderAuthError) as failure:
        run(meeting())
    assert str(failure.value) == f"provider rejected the API key ({status})"
    assert failure.value.attempts == 1
    assert provider_server.request_count == 1


def test_other_4xx_is_not_retried(provider_server):
    provider_server.enqueue(FakeResponse.error(400), FakeResponse.ok())
    with pytest.raises(MeetingFailed, match=r"provider refused the request \(HTTP 400\): fake provider error 400"):
        run(meeting())
    assert provider_server.request_count == 1


def test_timeout_is_retried_then_reported_with_the_timeout_value(fake_llm):
    server = fake_llm.use("openai", LLM_TIMEOUT_SECONDS=0.3)
    server.enqueue(*[FakeResponse.slow(2.0)] * 3)
    with pytest.raises(MeetingFailed) as failure:
        run(meeting())
    assert str(failure.value) == "provider timed out after 0.3 s (3 attempts)"
    assert server.request_count == 3


def test_connection_reset_is_retried(provider_server):
    provider_server.enqueue(FakeResponse.connection_reset(), FakeResponse.ok())
    record = run(meeting())
    assert extract_entry(record).detail["attempts"] == 2
    assert provider_server.request_count == 2


def test_connection_reset_every_time_gives_a_readable_error(provider_server):
    provider_server.enqueue(*[FakeResponse.connection_reset()] * 3)
    with pytest.raises(MeetingFailed, match=r"^could not reach the provider after 3 attempts"):
        run(meeting())


def test_missing_api_key_is_an_auth_error_before_any_call(fake_llm, monkeypatch):
    server = fake_llm.use("anthropic")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    from batch_core import config
    config.reload_settings()
    with pytest.raises(ProviderAuthError, match="ANTHROPIC_API_KEY is not set"):
        run(meeting())
    assert server.request_count == 0


def test_unknown_provider_name_fails_the_meeting(monkeypatch):
    monkeypatch.setenv("LLM_PROVIDER", "gpt-magic")
    from batch_core import config
    config.reload_settings()
    with pytest.raises(MeetingFailed, match="unknown LLM_PROVIDER 'gpt-magic'"):
        run(meeting())


def test_requests_carry_the_configured_model(fake_llm):
    server = fake_llm.use("openai", LLM_MODEL="my-local-llama")
    record = run(meeting())
    assert json.loads(server.requests[0].raw)["model"] == "my-local-llama"
    assert record.model == "my-local-llama"


def test_attempt_guard_wraps_every_http_attempt(provider_server):
    from contextlib import contextmanager

    from batch_core.pipeline.retry import set_attempt_guard
    entered: list[int] = []

    @contextmanager
    def guard():
        entered.append(provider_server.request_count)
        yield

    set_attempt_guard(guard)
    try:
        provider_server.enqueue(FakeResponse.error(502), FakeResponse.ok())
        run(meeting())
    finally:
        set_attempt_guard(None)
    assert entered == [0, 1]  # entered once before each of the two calls
