"""One meeting of an economy batch: its requests for the provider's batch API, and its insights
read back from the answers.

The requests are the ones a live run would send: one per part within the context budget
(pipeline/extract.py plans the parts), each with the live call's body. The answers are metered at
the batch price and read like live ones. A meeting in parts gets its summary from one live call
over the parts' summaries (a few hundred tokens; a second provider batch would add up to a day).
A broken answer (unreadable, not the schema, cut off) raises ProviderFault: the engine then
extracts that meeting live instead.
"""
from __future__ import annotations

import re
from typing import Sequence

from batch_core.config import Settings
from batch_core.models import Insights
from batch_core.pipeline import Prepared
from batch_core.pipeline.budget import budget_for
from batch_core.pipeline.extract import ExtractResult, learned_window, part_request, plan_parts, summary_of_parts
from batch_core.pipeline.merge import merge_insights
from batch_core.pipeline.providers.batches import BATCH_PRICE_FACTOR, BatchRequest, ItemResult
from batch_core.pipeline.providers.sdk import SdkProvider
from batch_core.pipeline.usage import UsageMeter

_CUSTOM_ID = re.compile(r"^m(\d+)-p(\d+)-of(\d+)$")


def custom_id(index: int, part: int, parts: int) -> str:
    return f"m{index}-p{part}-of{parts}"


def parse_custom_id(value: str) -> tuple[int, int, int] | None:
    """(meeting index, part, parts) of one of our custom_ids; None for anything else."""
    match = _CUSTOM_ID.match(value or "")
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def economy_requests(provider: SdkProvider, ready: Prepared, index: int, config: Settings) -> list[BatchRequest]:
    request = ready.request()
    budget = budget_for(config, provider.model, learned_window(provider))
    chunks = plan_parts(request.turns, request, budget)
    total = len(chunks)
    return [BatchRequest(custom_id(index, number, total),
                         provider.params(provider.extract_call(part_request(request, chunk, number, total))))
            for number, chunk in enumerate(chunks, start=1)]


def economy_insights(provider: SdkProvider, ready: Prepared, answers: Sequence[ItemResult],
                     meter: UsageMeter) -> ExtractResult:
    """Insights from the succeeded answers of every part, in part order. Raises ProviderFault."""
    result = ExtractResult(insights=Insights(summary=""), attempts=len(answers), parts=len(answers))
    parts: list[Insights] = []
    for number, item in enumerate(answers, start=1):
        insights, coerced = provider.read_answer(item.answer, meter, BATCH_PRICE_FACTOR)
        result.coerced.extend(f"part {number}: {c}" if len(answers) > 1 else c for c in coerced)
        parts.append(insights)
    summary = summary_of_parts(provider, ready.request(), parts, meter, result)
    result.insights = parts[0] if len(parts) == 1 else merge_insights(parts, summary)
    return result
