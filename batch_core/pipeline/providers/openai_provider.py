"""OpenAI (and any OpenAI-compatible endpoint): chat.completions with a strict JSON-schema response."""
from __future__ import annotations

import openai

from batch_core.config import Settings
from batch_core.pipeline.errors import ProviderAuthError
from batch_core.pipeline.faults import ProviderFault, parse_retry_after
from batch_core.pipeline.prompt import SYSTEM_PROMPT, user_message
from batch_core.pipeline.providers.base import Extraction, ExtractionRequest
from batch_core.pipeline.retry import ProviderRetry
from batch_core.pipeline.schema import SCHEMA_NAME, insights_schema, validate_insights

DETAIL_LIMIT = 200


def sdk_fault(exc: Exception) -> ProviderFault:
    """Translate the SDK's exception; the Anthropic SDK's classes have the same shape."""
    name = type(exc).__name__
    if name == "APITimeoutError":
        return ProviderFault("timeout")
    if name == "APIConnectionError":
        cause = exc.__cause__ or exc.__context__
        return ProviderFault("connection", detail=str(cause or exc)[:DETAIL_LIMIT])
    status = getattr(exc, "status_code", None)
    if status is not None and name != "APIResponseValidationError":
        response = getattr(exc, "response", None)
        headers = response.headers if response is not None else None
        message = _provider_message(getattr(exc, "body", None)) or getattr(exc, "message", "") or ""
        return ProviderFault("http", status=status, retry_after=parse_retry_after(headers),
                             detail=str(message)[:DETAIL_LIMIT])
    # The envelope itself could not be read (not JSON, wrong shape).
    return ProviderFault("invalid_answer", detail=f"unreadable response ({name})")


def _provider_message(body: object) -> str | None:
    """The provider's own sentence from an error body ({"error": {"message"}} or {"message"})."""
    if isinstance(body, dict):
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        message = inner.get("message")
        return str(message) if message else None
    return None


class OpenAIProvider:
    name = "openai"

    def __init__(self, config: Settings) -> None:
        if not config.openai_api_key:
            raise ProviderAuthError("OPENAI_API_KEY is not set, so the openai provider cannot be used")
        self.model = config.model_name
        self._retry = ProviderRetry(config)
        # tenacity owns retries: the SDK's own would multiply every attempt.
        self._client = openai.OpenAI(api_key=config.openai_api_key, base_url=config.openai_base_url,
                                     timeout=config.llm_timeout_seconds, max_retries=0)

    def _call_once(self, request: ExtractionRequest):
        try:
            response = self._client.chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": SYSTEM_PROMPT},
                          {"role": "user", "content": user_message(request)}],
                response_format={"type": "json_schema", "json_schema": {
                    "name": SCHEMA_NAME, "strict": True, "schema": insights_schema()}},
                temperature=0,
            )
        except openai.APIError as exc:
            raise sdk_fault(exc) from None
        except ValueError as exc:  # a body that is not JSON at all
            raise ProviderFault("invalid_answer", detail="the response body is not JSON") from exc
        if not getattr(response, "choices", None):
            raise ProviderFault("invalid_answer", detail="the answer had no choices")
        return validate_insights(response.choices[0].message.content)

    def extract(self, request: ExtractionRequest) -> Extraction:
        insights, log = self._retry.call(lambda: self._call_once(request))
        return Extraction(insights=insights, attempts=log.attempts, retries=log.waits)
