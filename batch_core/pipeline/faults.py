"""Provider failures in one vocabulary, whichever SDK raised them, with the wording users see."""
from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass
from typing import Mapping

from batch_core.errors import MeetingFailed

RATE_LIMITED = 429
AUTH_STATUSES = (401, 403)
# How servers say the prompt did not fit: OpenAI and vLLM ("This model's maximum context length
# is 8192 tokens. However, you requested ..."), OpenAI's code context_length_exceeded, Anthropic
# ("prompt is too long: 208310 tokens > 200000 maximum", "input length and `max_tokens` exceed
# context limit: 198000 + 8192 > 200000"), llama.cpp ("the request exceeds the available context size").
_CONTEXT_WORDING = re.compile(
    r"maximum context length|context_length_exceeded|prompt is too long|exceeds? (?:the )?(?:available )?"
    r"context(?: size| window| limit)?|context (?:window|limit) (?:exceeded|of)|too many tokens", re.I)
_LIMIT_NUMBER = re.compile(
    r"maximum context length is (\d+)|> (\d+)(?: maximum)?\b|n_ctx\W+(\d+)|context (?:size|window|limit)"
    r"(?: is| of)? (\d+)", re.I)


@dataclass
class ProviderFault(Exception):
    """One failed provider call. `retryable` says whether another attempt could succeed."""
    kind: str                 # http | timeout | connection | invalid_answer | context_exceeded | truncated
    status: int | None = None
    retry_after: float | None = None  # seconds the provider asked us to wait
    detail: str = ""
    limit: int | None = None  # context_exceeded: the window the server named, when it did

    @property
    def retryable(self) -> bool:
        if self.kind in ("timeout", "connection", "invalid_answer"):
            return True
        return self.status == RATE_LIMITED or (self.status is not None and self.status >= 500)

    @property
    def is_auth(self) -> bool:
        return self.kind == "http" and self.status in AUTH_STATUSES

    def __str__(self) -> str:
        return f"{self.kind} {self.status or ''} {self.detail}".strip()


def context_fault(status: int, message: str) -> ProviderFault | None:
    """A 400/413 whose wording says the request exceeded the model's context, else None."""
    if status not in (400, 413) or not _CONTEXT_WORDING.search(message or ""):
        return None
    match = _LIMIT_NUMBER.search(message)
    limit = next((int(g) for g in match.groups() if g), None) if match else None
    return ProviderFault("context_exceeded", status=status, detail=message[:200], limit=limit)


class ContextExceeded(MeetingFailed):
    """The provider said the request did not fit its context window (pipeline/extract.py splits)."""

    def __init__(self, message: str, *, limit: int | None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.limit = limit


class AnswerTruncated(MeetingFailed):
    """The answer stopped at the output limit (finish_reason "length", stop_reason "max_tokens")."""


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """`retry-after-ms`, else `retry-after` as seconds or an HTTP date; None when absent or unreadable."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # unreadable: fall back to our own backoff
    return max(0.0, parsed.timestamp() - time.time())


def failure_message(fault: ProviderFault, attempts: int, timeout_seconds: float) -> str:
    """The sentence a user reads in the meeting's error column."""
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    if fault.kind == "timeout":
        return f"provider timed out after {timeout_seconds:g} s ({tries})"
    if fault.kind == "connection":
        return f"could not reach the provider after {tries}: {fault.detail or 'connection failed'}"
    if fault.kind == "context_exceeded":
        return f"the request did not fit the model's context window: {fault.detail}"
    if fault.kind == "truncated":
        return "the provider's answer was cut off at the output limit (LLM_OUTPUT_TOKENS)"
    if fault.kind == "invalid_answer":
        return (f"the provider's answer was not valid JSON for the insights schema after {tries}"
                + (f": {fault.detail}" if fault.detail else ""))
    if fault.is_auth:
        return f"provider rejected the API key ({fault.status})"
    if fault.status == RATE_LIMITED:
        return f"rate limited by provider after {tries}"
    if fault.status is not None and fault.status >= 500:
        return f"provider unavailable (HTTP {fault.status}) after {tries}"
    if fault.status == 404:
        return f"provider has no such model or endpoint (HTTP 404): {fault.detail}".rstrip(": ")
    return f"provider refused the request (HTTP {fault.status}): {fault.detail}".rstrip(": ")
