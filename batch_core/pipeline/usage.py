"""Tokens spent on provider calls: per call, summed per meeting, and reported to whoever pays.

A `UsageMeter` lives for one meeting. Providers record every HTTP attempt on it, failed and
retried ones included (an error answer counts as a call with the tokens the provider billed, if
it said). The engine registers `before_call` (the batch token budget) and `on_call` (the batch's
running totals in Redis) so this package stays free of Redis.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class CallUsage:
    """What one response's `usage` said (0 when the call got no answer)."""
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0  # Anthropic prompt caching: written at 1.25x the input price
    cache_read_tokens: int = 0   # ... and read back at cache_read_factor x the input price
    cost_usd: float = 0.0
    cache_read_factor: float = 0.10  # Anthropic 0.1; OpenAI's automatic caching 0.5 (gpt-4o family)

    @property
    def total_input(self) -> int:
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens


def usage_of(response: Any) -> CallUsage:
    """Read the usage block of an OpenAI chat completion or an Anthropic message."""
    usage = getattr(response, "usage", None)
    if usage is None:
        return CallUsage()

    def number(name: str) -> int:
        value = getattr(usage, name, None)
        return int(value) if isinstance(value, (int, float)) else 0

    if hasattr(usage, "prompt_tokens"):  # OpenAI: cached tokens are part of prompt_tokens
        details = getattr(usage, "prompt_tokens_details", None)
        cached = getattr(details, "cached_tokens", None) if details is not None else None
        cached = int(cached) if isinstance(cached, (int, float)) else 0
        return CallUsage(input_tokens=number("prompt_tokens") - cached, output_tokens=number("completion_tokens"),
                         cache_read_tokens=cached, cache_read_factor=0.5)
    return CallUsage(input_tokens=number("input_tokens"), output_tokens=number("output_tokens"),
                     cache_write_tokens=number("cache_creation_input_tokens"),
                     cache_read_tokens=number("cache_read_input_tokens"))


@dataclass
class UsageMeter:
    """One meeting's provider usage. Not shared between threads: one meeting runs on one."""
    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    cost_usd: float = 0.0
    before_call: Callable[[], None] = field(default=lambda: None, repr=False)
    on_call: Callable[[CallUsage], None] = field(default=lambda usage: None, repr=False)

    def check(self) -> None:
        """Called before each HTTP attempt; may raise MeetingFailed (budget reached)."""
        self.before_call()

    def record(self, usage: CallUsage) -> None:
        self.calls += 1
        self.input_tokens += usage.total_input
        self.output_tokens += usage.output_tokens
        self.cost_usd += usage.cost_usd
        self.on_call(usage)

    def as_dict(self) -> dict[str, Any]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "calls": self.calls, "cost_usd": round(self.cost_usd, 6)}
