"""Anthropic: structured output through one forced tool whose input schema is the Insights schema."""
from __future__ import annotations

import anthropic

from batch_core.config import Settings
from batch_core.pipeline.errors import ProviderAuthError
from batch_core.pipeline.faults import ProviderFault
from batch_core.pipeline.prompt import SYSTEM_PROMPT, user_message
from batch_core.pipeline.providers.base import Extraction, ExtractionRequest
from batch_core.pipeline.providers.openai_provider import sdk_fault
from batch_core.pipeline.retry import ProviderRetry
from batch_core.pipeline.schema import insights_schema, validate_insights

TOOL_NAME = "record_meeting_insights"
MAX_TOKENS = 4096


class AnthropicProvider:
    name = "anthropic"

    def __init__(self, config: Settings) -> None:
        if not config.anthropic_api_key:
            raise ProviderAuthError("ANTHROPIC_API_KEY is not set, so the anthropic provider cannot be used")
        self.model = config.model_name
        self._retry = ProviderRetry(config)
        self._client = anthropic.Anthropic(api_key=config.anthropic_api_key, base_url=config.anthropic_base_url,
                                           timeout=config.llm_timeout_seconds, max_retries=0)

    def _call_once(self, request: ExtractionRequest):
        try:
            message = self._client.messages.create(
                model=self.model, max_tokens=MAX_TOKENS, system=SYSTEM_PROMPT,
                messages=[{"role": "user", "content": user_message(request)}],
                tools=[{"name": TOOL_NAME, "description": "Record the insights extracted from the meeting.",
                        "input_schema": insights_schema()}],
                tool_choice={"type": "tool", "name": TOOL_NAME},
            )
        except anthropic.APIError as exc:
            raise sdk_fault(exc) from None
        except ValueError as exc:
            raise ProviderFault("invalid_answer", detail="the response body is not JSON") from exc
        for block in getattr(message, "content", None) or []:
            if getattr(block, "type", None) == "tool_use" and block.name == TOOL_NAME:
                return validate_insights(block.input)
        raise ProviderFault("invalid_answer", detail=f"the answer did not call the {TOOL_NAME} tool")

    def extract(self, request: ExtractionRequest) -> Extraction:
        insights, log = self._retry.call(lambda: self._call_once(request))
        return Extraction(insights=insights, attempts=log.attempts, retries=log.waits)
