"""Choose the insight provider named by settings().llm_provider."""
from __future__ import annotations

import threading
from functools import lru_cache

from batch_core.config import Settings, settings
from batch_core.errors import MeetingFailed
from batch_core.pipeline.providers.base import Extraction, ExtractionRequest, Provider

PROVIDERS = ("local", "openai", "anthropic")

__all__ = ["Extraction", "ExtractionRequest", "Provider", "PROVIDERS", "get_provider"]


_first_use = threading.Lock()


def get_provider(config: Settings | None = None) -> Provider:
    """One provider (and SDK client with its connection pool) per settings, shared by all threads.
    The first call imports the SDK: one thread does it while the others wait here, instead of
    several threads importing openai/httpx at once (which can hand one of them a half-imported
    module)."""
    with _first_use:
        return _provider_for(config or settings())


@lru_cache(maxsize=4)
def _provider_for(config: Settings) -> Provider:
    name = config.llm_provider
    if name == "local":
        from batch_core.pipeline.providers.local import LocalProvider  # only the configured provider's SDK is loaded
        return LocalProvider(model=config.model_name)
    if name == "openai":
        from batch_core.pipeline.providers.openai_provider import OpenAIProvider  # only the configured provider's SDK is loaded
        return OpenAIProvider(config)
    if name == "anthropic":
        from batch_core.pipeline.providers.anthropic_provider import AnthropicProvider  # only the configured provider's SDK is loaded
        return AnthropicProvider(config)
    raise MeetingFailed(f"unknown LLM_PROVIDER {name!r}: use one of {', '.join(PROVIDERS)}")
