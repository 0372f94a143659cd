"""What a batch will cost before anything is sent: parts, calls, tokens and dollars per meeting.

Computed the way the engine will run it (the same budget and split as pipeline/extract.py), on
the text as submitted; a sensitive meeting's placeholders change its length by a few tokens.
Output tokens are a typical answer size, not a promise: an answer is as long as the meeting has
items. The local provider sends nothing and costs nothing.
"""
from __future__ import annotations

from typing import Any, Iterable

from batch_core.config import Settings
from batch_core.ingest.text import parse_text
from batch_core.ingest.turns import speakers_of
from batch_core.models import MeetingIn
from batch_core.pipeline.budget import budget_for, estimate_tokens
from batch_core.pipeline.chunking import turn_tokens
from batch_core.pipeline.extract import fixed_prompt_tokens, plan_parts
from batch_core.pipeline.pricing import PRICES_AS_OF, cost_usd, price_of
from batch_core.pipeline.prompt import SUMMARY_SYSTEM_PROMPT
from batch_core.pipeline.providers.base import ExtractionRequest
from batch_core.pipeline.usage import CallUsage

OUTPUT_PER_PART = 600     # tokens of a typical insights answer for one part
OUTPUT_SUMMARY = 200      # tokens of the final summary of a long meeting
SUMMARY_IN_PER_PART = 120  # a part's summary as sent to the summary call


def estimate_meeting(meeting: MeetingIn, config: Settings) -> dict[str, Any]:
    if config.llm_provider == "local":
        return {"parts": 1, "calls": 0, "input_tokens": 0, "output_tokens": 0}
    try:
        turns = [t for t in parse_text(meeting.transcript) if t.text.strip()]
    except ValueError:
        turns = []
    request = ExtractionRequest(title=meeting.title, turns=turns, transcript="", speakers=speakers_of(turns),
                                meeting_date=meeting.meeting_date)
    budget = budget_for(config, config.model_name)
    parts = plan_parts(turns, request, budget) if turns else []
    count = max(1, len(parts))
    fixed = fixed_prompt_tokens(request)
    input_tokens = sum(fixed + sum(turn_tokens(t) for t in part.turns) for part in parts) or fixed
    output_tokens = OUTPUT_PER_PART * count
    calls = count
    if count > 1:
        calls += 1
        input_tokens += estimate_tokens(SUMMARY_SYSTEM_PROMPT) + SUMMARY_IN_PER_PART * count
        output_tokens += OUTPUT_SUMMARY
    return {"parts": count, "calls": calls, "input_tokens": input_tokens, "output_tokens": output_tokens}


def estimate_batch(meetings: Iterable[MeetingIn], config: Settings) -> dict[str, Any]:
    rows = [estimate_meeting(m, config) for m in meetings]
    model = config.model_name
    usage = CallUsage(input_tokens=sum(r["input_tokens"] for r in rows),
                      output_tokens=sum(r["output_tokens"] for r in rows))
    priced = config.llm_provider == "local" or price_of(model, config.llm_prices) is not None
    return {
        "provider": config.llm_provider, "model": model, "meetings": len(rows),
        "calls": sum(r["calls"] for r in rows), "parts": sum(r["parts"] for r in rows),
        "input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens,
        "cost_usd": round(cost_usd(usage, model, config.llm_prices), 6) if priced else None,
        "priced": priced, "prices_as_of": PRICES_AS_OF,
        "context_tokens": budget_for(config, model).context, "per_meeting": rows,
    }
