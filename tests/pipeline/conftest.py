"""Pipeline fixtures: the fake LLM server (real HTTP on 127.0.0.1) and the app pointed at it.

Other test folders can use the module directly:

    from tests.fakes.llm_server import FakeLLMServer, FakeResponse
    with FakeLLMServer() as server:
        monkeypatch.setenv(...) for each item of server.env("openai")  # or "anthropic"
        config.reload_settings()
"""
from __future__ import annotations

import pytest

from batch_core import config
from tests.fakes.llm_server import FakeLLMServer


class PointedServer:
    """The fake server plus the provider the app is configured to use against it."""

    def __init__(self, server: FakeLLMServer, monkeypatch) -> None:
        self.server = server
        self._monkeypatch = monkeypatch
        self.provider = "openai"

    def use(self, provider: str = "openai", **settings: object) -> FakeLLMServer:
        """Point the app at the server; extra settings are env vars, e.g. LLM_MAX_RETRIES=0."""
        self.provider = provider
        env = {**self.server.env(provider), "LLM_RETRY_BASE_SECONDS": "0.01", "LLM_RETRY_MAX_SECONDS": "0.5",
               "LLM_TIMEOUT_SECONDS": "5", **{k: str(v) for k, v in settings.items()}}
        for name, value in env.items():
            self._monkeypatch.setenv(name, value)
        config.reload_settings()
        return self.server


@pytest.fixture
def fake_llm(monkeypatch):
    server = FakeLLMServer().start()
    yield PointedServer(server, monkeypatch)
    server.stop()


@pytest.fixture(params=["openai", "anthropic"])
def provider_server(request, fake_llm) -> FakeLLMServer:
    """The fake server with the app pointed at it, once per provider."""
    return fake_llm.use(request.param)
