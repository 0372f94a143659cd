"""OpenAI (and any OpenAI-compatible endpoint): chat.completions with a strict JSON-schema response."""
from __future__ import annotations

from typing import Any

import openai

from batch_core.config import Settings
from batch_core.pipeline.faults import ProviderFault
from batch_core.pipeline.leaving import leaving
from batch_core.pipeline.providers.sdk import Call, SdkProvider


def settled_httpx() -> None:
    """Wait for any import of the legacy `httpx` package another thread has started (Presidio's
    dependencies import it too): the SDK looks it up in sys.modules when a client is built, and a
    half-imported module there fails the client with "partially initialized module 'httpx'"."""
    try:
        import httpx  # noqa: F401  # an import in progress elsewhere completes before this returns
    except ImportError:
        pass


class OpenAIProvider(SdkProvider):
    name = "openai"
    api_error = openai.APIError

    def __init__(self, config: Settings) -> None:
        super().__init__(config, config.openai_api_key)
        self.endpoint = config.openai_base_url or ""
        # tenacity owns retries: the SDK's own would multiply every attempt.
        settled_httpx()
        self._client = openai.OpenAI(api_key=config.openai_api_key, base_url=config.openai_base_url,
                                     timeout=config.llm_timeout_seconds, max_retries=0,
                                     http_client=openai.DefaultHttpxClient(event_hooks={"request": [leaving]}))
        # The SDK imports a resource's module at its first use (~30-70 ms): here, when the engine
        # starts, not in the first meeting's call, where every worker would wait for it.
        self._completions = self._client.chat.completions
        # api.openai.com's newer models refuse `max_tokens`; self-hosted servers (vLLM, Ollama,
        # llama.cpp) all read `max_tokens` and not all read `max_completion_tokens`.
        official = not config.openai_base_url or "api.openai.com" in config.openai_base_url
        self._limit_name = "max_completion_tokens" if official else "max_tokens"

    def params(self, call: Call) -> dict[str, Any]:
        """The request body of one call (live, or one line of an economy batch's input file)."""
        return {
            "model": self.model,
            "messages": [{"role": "system", "content": call.system}, {"role": "user", "content": call.user}],
            "response_format": {"type": "json_schema", "json_schema": {
                "name": call.schema_name, "strict": True, "schema": call.schema}},
            "temperature": 0, self._limit_name: call.max_tokens,
        }

    def _send(self, call: Call) -> Any:
        return self._completions.create(**self.params(call))

    def _read(self, response: Any) -> tuple[Any, bool]:
        if not getattr(response, "choices", None):
            raise ProviderFault("invalid_answer", detail="the answer had no choices")
        choice = response.choices[0]
        return choice.message.content, choice.finish_reason == "length"
