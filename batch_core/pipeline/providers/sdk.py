"""What the SDK-backed providers (openai, anthropic) share: the key check, tenacity-owned retries
and the translation of SDK exceptions (both SDKs' exception classes have the same shape)."""
from __future__ import annotations

from batch_core.config import Settings
from batch_core.models import Insights
from batch_core.errors import ProviderAuthError
from batch_core.pipeline.faults import ProviderFault, parse_retry_after
from batch_core.pipeline.providers.base import Extraction, ExtractionRequest
from batch_core.pipeline.retry import ProviderRetry

DETAIL_LIMIT = 200


def sdk_fault(exc: Exception) -> ProviderFault:
    """Translate an SDK exception (openai or anthropic) to a ProviderFault."""
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
        error = body.get("error")
        inner = error if isinstance(error, dict) else body
        message = inner.get("message")
        return str(message) if message else None
    return None


class SdkProvider:
    """Subclasses set `name` and `api_error` (the SDK's base exception), build `_client` and
    implement `_create` (one SDK call, SDK retries off) and `_insights` (answer -> Insights)."""
    name: str
    api_error: type[Exception]

    def __init__(self, config: Settings, api_key: str | None) -> None:
        if not api_key:
            raise ProviderAuthError(f"{self.name.upper()}_API_KEY is not set, "
                                    f"so the {self.name} provider cannot be used")
        self.model = config.model_name
        self._retry = ProviderRetry(config)

    def _create(self, request: ExtractionRequest):
        raise NotImplementedError

    def _insights(self, answer) -> Insights:
        raise NotImplementedError

    def _call_once(self, request: ExtractionRequest) -> Insights:
        try:
            answer = self._create(request)
        except self.api_error as exc:
            raise sdk_fault(exc) from None
        except ValueError as exc:  # a body that is not JSON at all
            raise ProviderFault("invalid_answer", detail="the response body is not JSON") from exc
        return self._insights(answer)

    def extract(self, request: ExtractionRequest) -> Extraction:
        insights, log = self._retry.call(lambda: self._call_once(request))
        return Extraction(insights=insights, attempts=log.attempts, retries=log.waits)
