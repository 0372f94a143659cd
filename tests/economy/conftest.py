"""An economy-ready fake provider: the fake server's batch APIs, polled every 0.05-0.3 s."""
from __future__ import annotations

import pytest

from batch_core import config


@pytest.fixture(params=["anthropic", "openai"])
def economy_server(request, monkeypatch):
    """A started fake server with both batch APIs; the app points at it with the parametrised
    provider (anthropic, openai), through the official SDK of each."""
    from tests.fakes.llm_server import FakeLLMServer

    server = FakeLLMServer().start()
    server.batches.item_seconds = 0.01
    for name, value in server.env(request.param).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LLM_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("LLM_RETRY_MAX_SECONDS", "0.05")
    monkeypatch.setenv("BATCH_ECONOMY_POLL_SECONDS", "0.05")
    monkeypatch.setenv("BATCH_ECONOMY_POLL_MAX_SECONDS", "0.3")
    config.reload_settings()
    server.provider = request.param
    yield server
    import batch_core
    batch_core.reset_for_tests()
    server.stop()
