"""Anthropic: structured output through one forced tool whose input schema is the answer's schema.

The fixed system prompt (and the tool before it) is marked for prompt caching: every meeting and
part of a batch sends the same prefix, and a cache hit costs a tenth of the input price.
"""
from __future__ import annotations

from typing import Any

import anthropic

from batch_core.config import Settings
from batch_core.pipeline.faults import ProviderFault
from batch_core.pipeline.leaving import leaving
from batch_core.pipeline.providers.sdk import Call, SdkProvider


class AnthropicProvider(SdkProvider):
    name = "anthropic"
    api_error = anthropic.APIError

    def __init__(self, config: Settings) -> None:
        super().__init__(config, config.anthropic_api_key)
        self.endpoint = config.anthropic_base_url or ""
        self._client = anthropic.Anthropic(api_key=config.anthropic_api_key, base_url=config.anthropic_base_url,
                                           timeout=config.llm_timeout_seconds, max_retries=0,
                                           http_client=anthropic.DefaultHttpxClient(event_hooks={"request": [leaving]}))
        self._messages = self._client.messages  # its module loads now, not in the first call (openai_provider.py)

    def params(self, call: Call) -> dict[str, Any]:
        """The request body of one call (live, or the `params` of an economy batch request)."""
        tool = "record_" + call.schema_name
        return {
            "model": self.model, "max_tokens": call.max_tokens,
            "system": [{"type": "text", "text": call.system, "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": call.user}],
            "tools": [{"name": tool, "description": "Record what was extracted from the meeting.",
                       "input_schema": call.schema}],
            "tool_choice": {"type": "tool", "name": tool},
        }

    def _send(self, call: Call) -> Any:
        return self._messages.create(**self.params(call))

    def _read(self, message: Any) -> tuple[Any, bool]:
        truncated = getattr(message, "stop_reason", None) == "max_tokens"
        texts = []
        for block in getattr(message, "content", None) or []:
            kind = getattr(block, "type", None)
            if kind == "tool_use":
                return block.input, truncated
            if kind == "text":
                texts.append(block.text)
        if truncated:
            return None, True
        if texts:  # some models answer in text despite the forced tool: read the JSON in it
            return "\n".join(texts), False
        raise ProviderFault("invalid_answer", detail="the answer did not call the recording tool")
