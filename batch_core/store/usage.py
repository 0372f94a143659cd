"""A batch's provider usage: running totals in its header hash, written after every call.

Numbers only (tokens, calls, dollars): nothing here says what a sensitive meeting contains.
"""
from __future__ import annotations

from typing import Any

from batch_core.store.client import get_client
from batch_core.store.common import script, storage
from batch_core.store.keys import batch_key

USAGE_FIELDS = ("usage_input_tokens", "usage_output_tokens", "usage_calls", "usage_cost_usd")


@storage
def add_usage(batch_id: str, input_tokens: int, output_tokens: int, calls: int, cost_usd: float) -> bool:
    values: tuple[int | str, ...] = (int(input_tokens), int(output_tokens), int(calls), f"{cost_usd:.8f}")
    args: list[int | str] = [item for pair in zip(USAGE_FIELDS, values) for item in pair]
    return bool(script("ADD_USAGE")(keys=[batch_key(batch_id)], args=args, client=get_client()))


def usage_from_header(header: dict[str, Any]) -> dict[str, Any]:
    def number(name: str) -> float:
        try:
            return float(header.get(name) or 0)
        except (TypeError, ValueError):
            return 0.0
    return {"input_tokens": int(number("usage_input_tokens")), "output_tokens": int(number("usage_output_tokens")),
            "calls": int(number("usage_calls")), "cost_usd": round(number("usage_cost_usd"), 6)}


@storage
def batch_tokens(batch_id: str) -> int:
    """Input + output tokens the batch has used so far (for LLM_MAX_BATCH_TOKENS)."""
    values = get_client().hmget(batch_key(batch_id), "usage_input_tokens", "usage_output_tokens")
    return sum(int(v or 0) for v in values)
