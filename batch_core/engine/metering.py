"""Provider usage of a batch's meetings: running totals in Redis and the per-batch token budget.

Every provider call adds its tokens to the batch at once (not when the meeting ends), so the
batch page shows spend live and `LLM_MAX_BATCH_TOKENS` stops the next call as soon as the budget
is used up, in whichever process or thread runs it. The meetings that can no longer be sent fail
with that reason; what ran before is kept.
"""
from __future__ import annotations

from batch_core import store
from batch_core.config import settings
from batch_core.errors import MeetingFailed
from batch_core.pipeline.usage import CallUsage, UsageMeter
from batch_core.store.retry import call_with_retry


def budget_message(budget: int, used: int) -> str:
    return (f"Not sent: the batch reached its token budget (LLM_MAX_BATCH_TOKENS={budget:,}; "
            f"{used:,} tokens used). Raise the budget and retry the failed meetings.")


def batch_meter(batch_id: str) -> UsageMeter:
    budget = settings().llm_max_batch_tokens

    def before_call() -> None:
        if budget > 0:
            used = call_with_retry(store.batch_tokens, batch_id)
            if used >= budget:
                raise MeetingFailed(budget_message(budget, used))

    def on_call(usage: CallUsage) -> None:
        call_with_retry(store.add_usage, batch_id, usage.total_input, usage.output_tokens, 1, usage.cost_usd)

    return UsageMeter(before_call=before_call, on_call=on_call)
