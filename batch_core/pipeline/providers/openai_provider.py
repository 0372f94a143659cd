"""OpenAI (and any OpenAI-compatible endpoint): chat.completions with a strict JSON-schema response."""
from __future__ import annotations

import openai

from batch_core.config import Settings
from batch_core.models import Insights
from batch_core.pipeline.faults import ProviderFault
from batch_core.pipeline.prompt import SYSTEM_PROMPT, user_message
from batch_core.pipeline.providers.base import ExtractionRequest
from batch_core.pipeline.providers.sdk import SdkProvider
from batch_core.pipeline.schema import SCHEMA_NAME, insights_schema, validate_insights


class OpenAIProvider(SdkProvider):
    name = "openai"
    api_error = openai.APIError

    def __init__(self, config: Settings) -> None:
        super().__init__(config, config.openai_api_key)
        # tenacity owns retries: the SDK's own would multiply every attempt.
        self._client = openai.OpenAI(api_key=config.openai_api_key, base_url=config.openai_base_url,
                                     timeout=config.llm_timeout_seconds, max_retries=0)

    def _create(self, request: ExtractionRequest):
        return self._client.chat.completions.create(
            model=self.model,
            messages=[{"role": "system", "content": SYSTEM_PROMPT},
                      {"role": "user", "content": user_message(request)}],
            response_format={"type": "json_schema", "json_schema": {
                "name": SCHEMA_NAME, "strict": True, "schema": insights_schema()}},
            temperature=0,
        )

    def _insights(self, response) -> Insights:
        if not getattr(response, "choices", None):
            raise ProviderFault("invalid_answer", detail="the answer had no choices")
        return validate_insights(response.choices[0].message.content)
