"""Fixtures of the dashboard tests (helpers live in ui_support.py)."""
from __future__ import annotations

import pytest

import batch_core as core
from batch_core import config


@pytest.fixture
def env(monkeypatch):
    """Change settings for one test: env(NAME="value", ...) then everything reloads."""
    def apply(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, str(value))
        core.reset_for_tests()
        config.reload_settings()
    yield apply
    core.reset_for_tests()


@pytest.fixture
def fake_llm(env):
    """The fake OpenAI-compatible server over real HTTP, with the app pointed at it."""
    from tests.fakes.llm_server import FakeLLMServer

    with FakeLLMServer() as server:
        env(**server.env("openai"), LLM_MAX_RETRIES=0, LLM_TIMEOUT_SECONDS=10)
        yield server
        core.reset_for_tests()  # let in-flight meetings finish while the server still answers
