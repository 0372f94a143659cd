"""Anthropic: structured output through one forced tool whose input schema is the Insights schema."""
from __future__ import annotations

import anthropic

from batch_core.config import Settings
from batch_core.models import Insights
from batch_core.pipeline.faults import ProviderFault
from batch_core.pipeline.prompt import SYSTEM_PROMPT, user_message
from batch_core.pipeline.providers.base import ExtractionRequest
from batch_core.pipeline.providers.sdk import SdkProvider
from batch_core.pipeline.schema import insights_schema, validate_insights

TOOL_NAME = "record_meeting_insights"
MAX_TOKENS = 4096


class AnthropicProvider(SdkProvider):
    name = "anthropic"
    api_error = anthropic.APIError

    def __init__(self, config: Settings) -> None:
        super().__init__(config, config.anthropic_api_key)
        self._client = anthropic.Anthropic(api_key=config.anthropic_api_key, base_url=config.anthropic_base_url,
                                           timeout=config.llm_timeout_seconds, max_retries=0)

    def _create(self, request: ExtractionRequest):
        return self._client.messages.create(
            model=self.model, max_tokens=MAX_TOKENS, system=SYSTEM_PROMPT,
            messages=[{"role": "user", "content": user_message(request)}],
            tools=[{"name": TOOL_NAME, "description": "Record the insights extracted from the meeting.",
                    "input_schema": insights_schema()}],
            tool_choice={"type": "tool", "name": TOOL_NAME},
        )

    def _insights(self, message) -> Insights:
        for block in getattr(message, "content", None) or []:
            if getattr(block, "type", None) == "tool_use" and block.name == TOOL_NAME:
                return validate_insights(block.input)
        raise ProviderFault("invalid_answer", detail=f"the answer did not call the {TOOL_NAME} tool")
