"""The retry policy for provider calls; tenacity owns it (SDK clients are built with max_retries=0).

Up to `llm_max_retries` retries on 429, 5xx, timeouts and connection errors, with exponential
backoff and jitter, honouring Retry-After (capped at `llm_retry_max_seconds` so one meeting cannot
hold a worker for long). An answer that is not valid JSON for the schema gets exactly one more try.
Other 4xx are final at once.
"""
from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Callable, TypeVar

from tenacity import RetryCallState, Retrying, wait_exponential_jitter

from batch_core.config import Settings
from batch_core.errors import MeetingFailed, ProviderAuthError
from batch_core.pipeline.faults import AnswerTruncated, ContextExceeded, ProviderFault, failure_message
from batch_core.pipeline.leaving import leaving

T = TypeVar("T")
INVALID_ANSWER_ATTEMPTS = 2  # the first bad answer gets one more try, the second fails the meeting

_attempt_guard: Callable[[], AbstractContextManager] = nullcontext


def _guarded() -> AbstractContextManager:
    if _attempt_guard is not nullcontext:
        leaving()  # the guard may wait for a fleet-wide slot
    return _attempt_guard()


def set_attempt_guard(guard: Callable[[], AbstractContextManager] | None) -> None:
    """Run every provider HTTP attempt inside `guard()` (e.g. fleet-wide concurrency/RPM limits).

    Keeps this package free of Redis: whoever owns the limits registers them at start-up.
    Backoff sleeps happen outside the guard, so a waiting retry holds no slot. None = no guard.
    """
    global _attempt_guard
    _attempt_guard = guard or nullcontext


@dataclass
class CallLog:
    """What the retries did, for the audit entry of the extract step."""
    attempts: int = 0
    waits: list[dict] = field(default_factory=list)


def _fault(state: RetryCallState) -> ProviderFault | None:
    exc = state.outcome.exception() if state.outcome else None
    return exc if isinstance(exc, ProviderFault) else None


class ProviderRetry:
    """Stateless policy; each `call` keeps its own counters, so one instance serves every thread."""

    def __init__(self, config: Settings) -> None:
        self.max_attempts = 1 + max(0, config.llm_max_retries)
        self.cap = config.llm_retry_max_seconds
        self.timeout = config.llm_timeout_seconds
        self._backoff = wait_exponential_jitter(multiplier=config.llm_retry_base_seconds,
                                                max=config.llm_retry_max_seconds,
                                                jitter=config.llm_retry_base_seconds)

    def call(self, fn: Callable[[], T]) -> tuple[T, CallLog]:
        """Run `fn` under the policy; raise MeetingFailed/ProviderAuthError with the attempt count."""
        log = CallLog()
        invalid_answers = 0

        def attempt() -> T:
            nonlocal invalid_answers
            log.attempts += 1
            try:
                with _guarded():
                    return fn()
            except ProviderFault as fault:
                invalid_answers += fault.kind == "invalid_answer"
                raise

        def should_retry(state: RetryCallState) -> bool:
            fault = _fault(state)
            return fault is not None and fault.retryable

        def should_stop(state: RetryCallState) -> bool:
            fault = _fault(state)
            if fault is not None and fault.kind == "invalid_answer":
                # A bad answer earns one more try even when LLM_MAX_RETRIES is 0.
                return (invalid_answers >= INVALID_ANSWER_ATTEMPTS
                        or state.attempt_number >= max(self.max_attempts, INVALID_ANSWER_ATTEMPTS))
            return state.attempt_number >= self.max_attempts

        def wait(state: RetryCallState) -> float:
            fault = _fault(state)
            if fault is not None and fault.kind == "invalid_answer":
                seconds = 0.0
            elif fault is not None and fault.retry_after is not None:
                seconds = min(fault.retry_after, self.cap)
            else:
                seconds = self._backoff(state)
            return seconds

        def record_wait(state: RetryCallState) -> None:
            # Logged here, not in `wait`: tenacity computes a wait before deciding to stop, so
            # only before_sleep sees the waits that really happen.
            fault = _fault(state)
            log.waits.append({"after_attempt": state.attempt_number, "reason": str(fault),
                              "retry_after": fault.retry_after if fault else None,
                              "wait_seconds": round(state.next_action.sleep if state.next_action else 0.0, 3)})

        retrying = Retrying(retry=should_retry, stop=should_stop, wait=wait,
                            before_sleep=record_wait, reraise=True)
        try:
            return retrying(attempt), log
        except ProviderFault as fault:
            message = failure_message(fault, log.attempts, self.timeout)
            if fault.kind == "context_exceeded":
                raise ContextExceeded(message, limit=fault.limit, attempts=log.attempts, retries=log.waits) from None
            if fault.kind == "truncated":
                raise AnswerTruncated(message, attempts=log.attempts, retries=log.waits) from None
            error = ProviderAuthError if fault.is_auth else MeetingFailed
            raise error(message, attempts=log.attempts, retries=log.waits) from None
