"""What the SDK-backed providers (openai, anthropic) share: the key check, tenacity-owned retries,
usage metering of every attempt and the translation of SDK exceptions (both SDKs' exception
classes have the same shape)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

from batch_core.config import Settings
from batch_core.errors import ProviderAuthError
from batch_core.pipeline.answers import read_insights, read_summary
from batch_core.pipeline.budget import budget_for
from batch_core.pipeline.faults import ProviderFault, context_fault, parse_retry_after
from batch_core.pipeline.pricing import cost_usd
from batch_core.pipeline.prompt import SUMMARY_SYSTEM_PROMPT, SYSTEM_PROMPT, summary_message, user_message
from batch_core.pipeline.providers.base import Extraction, ExtractionRequest, SummaryAnswer
from batch_core.pipeline.retry import ProviderRetry
from batch_core.pipeline.schema import SCHEMA_NAME, insights_schema
from batch_core.pipeline.usage import CallUsage, UsageMeter, usage_of

DETAIL_LIMIT = 200
SUMMARY_OUTPUT_TOKENS = 1024
SUMMARY_SCHEMA: dict[str, Any] = {"type": "object", "properties": {"summary": {"type": "string"}},
                                  "required": ["summary"], "additionalProperties": False}
T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """One structured-output request: instructions, message, the schema to answer in."""
    system: str
    user: str
    schema_name: str
    schema: dict[str, Any]
    max_tokens: int


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
        body = getattr(exc, "body", None)
        message = str(_provider_message(body) or getattr(exc, "message", "") or "")
        too_long = context_fault(status, message + " " + _context_size(body))
        if too_long is not None:
            return too_long
        return ProviderFault("http", status=status, retry_after=parse_retry_after(headers),
                             detail=message[:DETAIL_LIMIT])
    # The envelope itself could not be read (not JSON, wrong shape).
    return ProviderFault("invalid_answer", detail=f"unreadable response ({name})")


def translated(fn: Callable[[], T], api_error: type[Exception]) -> T:
    """Run one SDK call; the SDK's exception becomes a ProviderFault (for the retry policy)."""
    try:
        return fn()
    except api_error as exc:
        raise sdk_fault(exc) from None


def _provider_message(body: object) -> str | None:
    """The provider's own sentence from an error body ({"error": {"message"}} or {"message"})."""
    if isinstance(body, dict):
        error = body.get("error")
        inner = error if isinstance(error, dict) else body
        message = inner.get("message")
        return str(message) if message else None
    return None


def _context_size(body: object) -> str:
    """llama.cpp names its window in a field of the error body, not in the message."""
    if isinstance(body, dict):
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        if isinstance(inner, dict) and inner.get("n_ctx"):
            return f"n_ctx {inner['n_ctx']}"
    return ""


class SdkProvider:
    """Subclasses set `name` and `api_error` (the SDK's base exception), build `_client` and
    implement `_send` (one SDK call, SDK retries off) and `_read` (answer -> payload, truncated?)."""
    name: str
    api_error: type[Exception]
    chunked = True

    def __init__(self, config: Settings, api_key: str | None) -> None:
        if not api_key:
            raise ProviderAuthError(f"{self.name.upper()}_API_KEY is not set, "
                                    f"so the {self.name} provider cannot be used")
        self.model = config.model_name
        self.endpoint = ""  # subclasses: the base URL, so a learned context window is per server
        self._config = config
        self._retry = ProviderRetry(config)

    @property
    def output_tokens(self) -> int:
        return budget_for(self._config, self.model).output

    def params(self, call: Call) -> dict[str, Any]:
        raise NotImplementedError

    def _send(self, call: Call) -> Any:
        raise NotImplementedError

    def extract_call(self, request: ExtractionRequest) -> Call:
        return Call(SYSTEM_PROMPT, user_message(request), SCHEMA_NAME, insights_schema(), self.output_tokens)

    def read_answer(self, answer: Any, meter: UsageMeter, price_factor: float = 1.0) -> tuple[Any, list[str]]:
        """An answer that arrived another way (an economy batch's result): metered at
        `price_factor` of the list price, read like a live one. Raises ProviderFault."""
        usage = usage_of(answer)
        cost = cost_usd(usage, self.model, self._config.llm_prices) * price_factor
        meter.record(dataclasses.replace(usage, cost_usd=cost))
        payload, truncated = self._read(answer)
        if truncated:
            raise ProviderFault("truncated", detail=f"max_tokens {self.output_tokens}")
        return read_insights(payload)

    def _read(self, answer: Any) -> tuple[Any, bool]:
        raise NotImplementedError

    def _attempt(self, call: Call, meter: UsageMeter | None, reader: Callable[[Any], T]) -> T:
        meter = meter or UsageMeter()
        meter.check()
        try:
            answer = self._send(call)
        except self.api_error as exc:
            meter.record(CallUsage())  # a refused call is a call; providers bill no tokens for it
            raise sdk_fault(exc) from None
        except ValueError as exc:  # a body that is not JSON at all
            meter.record(CallUsage())
            raise ProviderFault("invalid_answer", detail="the response body is not JSON") from exc
        usage = usage_of(answer)
        meter.record(dataclasses.replace(usage, cost_usd=cost_usd(usage, self.model, self._config.llm_prices)))
        payload, truncated = self._read(answer)
        if truncated:
            raise ProviderFault("truncated", detail=f"max_tokens {call.max_tokens}")
        return reader(payload)

    def extract(self, request: ExtractionRequest, meter: UsageMeter | None = None) -> Extraction:
        call = self.extract_call(request)
        (insights, coerced), log = self._retry.call(lambda: self._attempt(call, meter, read_insights))
        return Extraction(insights=insights, attempts=log.attempts, retries=log.waits, coerced=coerced)

    def summarise(self, title: str, summaries: Sequence[str], language: str | None,
                  meter: UsageMeter | None = None) -> SummaryAnswer:
        call = Call(SUMMARY_SYSTEM_PROMPT, summary_message(title, summaries, language), "meeting_summary",
                    SUMMARY_SCHEMA, min(SUMMARY_OUTPUT_TOKENS, self.output_tokens))
        summary, log = self._retry.call(lambda: self._attempt(call, meter, read_summary))
        return SummaryAnswer(summary=summary, attempts=log.attempts, retries=log.waits)
