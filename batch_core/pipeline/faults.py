"""Provider failures in one vocabulary, whichever SDK raised them, with the wording users see."""
from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Mapping

RATE_LIMITED = 429
AUTH_STATUSES = (401, 403)


@dataclass
class ProviderFault(Exception):
    """One failed provider call. `retryable` says whether another attempt could succeed."""
    kind: str                 # http | timeout | connection | invalid_answer
    status: int | None = None
    retry_after: float | None = None  # seconds the provider asked us to wait
    detail: str = ""

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
