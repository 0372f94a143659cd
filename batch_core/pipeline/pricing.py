"""What provider tokens cost: list prices per model, overridable, and the cost of a call.

The defaults are the providers' published list prices in USD per million tokens as we last
checked them (PRICES_AS_OF); prices change, so `LLM_PRICES` (JSON, same shape) overrides or
adds models, e.g. `{"my-vllm-model": [0, 0]}`. A model without a price costs nothing here and is
reported as unpriced, never guessed.
"""
from __future__ import annotations

import json
from functools import lru_cache

from batch_core.pipeline.usage import CallUsage

PRICES_AS_OF = "2025-08"
# model name prefix -> (input, output) USD per million tokens; the longest matching prefix wins.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-3-7-sonnet": (3.00, 15.00),
    "claude-opus-4": (15.00, 75.00),
    "local-rules": (0.0, 0.0),
}
CACHE_WRITE_FACTOR = 1.25  # Anthropic: a 5-minute cache write costs 1.25x the input price


@lru_cache(maxsize=8)
def _table(overrides_json: str) -> dict[str, tuple[float, float]]:
    table = dict(DEFAULT_PRICES)
    if overrides_json:
        try:
            extra = json.loads(overrides_json)
            table.update({str(name): (float(pair[0]), float(pair[1])) for name, pair in extra.items()})
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise ValueError('LLM_PRICES must be JSON like {"model": [input_usd_per_mtok, '
                             f'output_usd_per_mtok]}}: {exc}') from None
    return table


def price_of(model: str, overrides_json: str = "") -> tuple[float, float] | None:
    """(input, output) USD per million tokens, or None when the model has no known price."""
    table = _table(overrides_json)
    matches = [name for name in table if model == name or model.startswith(name)]
    return table[max(matches, key=len)] if matches else None


def cost_usd(usage: CallUsage, model: str, overrides_json: str = "") -> float:
    price = price_of(model, overrides_json)
    if price is None:
        return 0.0
    per_input, per_output = price[0] / 1e6, price[1] / 1e6
    return (usage.input_tokens * per_input + usage.output_tokens * per_output
            + usage.cache_write_tokens * per_input * CACHE_WRITE_FACTOR
            + usage.cache_read_tokens * per_input * usage.cache_read_factor)
