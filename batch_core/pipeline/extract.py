"""The extract step: a transcript within the context budget in one call, a longer one map-reduced.

Map: the transcript is split at turn boundaries (pipeline/chunking.py) into parts that fit the
budget (pipeline/budget.py); each part is one provider call. Reduce: the parts' items are merged
(pipeline/merge.py) and a final call writes the summary from the parts' summaries.

The budget is a promise we cannot check without the server's tokenizer, so the server's word
wins: a "maximum context length" answer lowers the budget (to the window it names, or by half),
the rest of the transcript is split again and the meeting goes on. The lowered window is kept
for this process's later meetings of the same model. An answer cut off at the output limit gets
its part split in two, since a smaller part has fewer items to write.
"""
from __future__ import annotations

import dataclasses
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from batch_core.config import Settings
from batch_core.errors import MeetingFailed, ProviderAuthError
from batch_core.ingest.turns import render_text
from batch_core.models import Insights, Turn
from batch_core.pipeline.budget import MIN_CHUNK_TOKENS, Budget, budget_for, estimate_tokens
from batch_core.pipeline.chunking import Chunk, remaining_turns, split_turns
from batch_core.pipeline.faults import AnswerTruncated, ContextExceeded
from batch_core.pipeline.merge import merge_insights
from batch_core.pipeline.prompt import SYSTEM_PROMPT, header_lines
from batch_core.pipeline.providers.base import ExtractionRequest, Provider
from batch_core.pipeline.schema import insights_schema
from batch_core.pipeline.usage import UsageMeter

MAX_SPLITS = 6  # lowering the budget more often than this means the server cannot be fitted
_learned: dict[tuple[str, str, str], int] = {}
_learned_lock = threading.Lock()


def _server_of(provider: Provider) -> tuple[str, str, str]:
    return provider.name, provider.model, str(getattr(provider, "endpoint", ""))


def learned_window(provider: Provider) -> int | None:
    with _learned_lock:
        return _learned.get(_server_of(provider))


def _learn(provider: Provider, window: int) -> None:
    with _learned_lock:
        key = _server_of(provider)
        _learned[key] = min(window, _learned.get(key, window))


def forget_learned_windows() -> None:
    with _learned_lock:
        _learned.clear()


@dataclass
class ExtractResult:
    insights: Insights
    attempts: int = 0
    parts: int = 1
    retries: list[dict] = field(default_factory=list)
    coerced: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    budget: Budget | None = None


@lru_cache(maxsize=1)
def _instructions_tokens() -> int:
    return estimate_tokens(SYSTEM_PROMPT) + estimate_tokens(json.dumps(insights_schema()))


def fixed_prompt_tokens(request: ExtractionRequest) -> int:
    """What every part sends besides its transcript: instructions, schema, the header lines."""
    header = "\n".join(header_lines(request)) + "\nPart 10 of 10 of the transcript (its first lines repeat ...)"
    return _instructions_tokens() + estimate_tokens(header)


def plan_parts(turns: list[Turn], request: ExtractionRequest, budget: Budget) -> list[Chunk]:
    return split_turns(turns, budget.transcript_room(fixed_prompt_tokens(request)))


def _lower(budget: Budget, exc: ContextExceeded) -> Budget:
    named = exc.limit if exc.limit and exc.limit < budget.context else None
    # The server's own count was higher than ours: leave room for that error, not only its window.
    target = int((named or budget.context) * (0.85 if named else 0.5))
    if target - min(budget.output, target // 2) < MIN_CHUNK_TOKENS * 2:
        raise MeetingFailed(f"the model's context window is too small for even a few turns "
                            f"({exc}); set LLM_CONTEXT_TOKENS or use a model with a larger window",
                            attempts=exc.attempts) from None
    return budget.lowered_to(target)


def extract_insights(provider: Provider, request: ExtractionRequest, config: Settings,
                     meter: UsageMeter, on_part: Callable[[int, int], None] = lambda part, total: None,
                     ) -> ExtractResult:
    """Insights for the whole meeting. Raises MeetingFailed (or ProviderAuthError)."""
    if not provider.chunked:
        on_part(1, 1)
        one = provider.extract(request, meter)
        return ExtractResult(insights=one.insights, attempts=one.attempts, retries=list(one.retries),
                             coerced=list(one.coerced))
    budget = budget_for(config, provider.model, learned_window(provider))
    queue = deque(plan_parts(request.turns, request, budget))
    result = ExtractResult(insights=Insights(summary=""), budget=budget)
    parts: list[Insights] = []
    splits = 0
    while queue:
        chunk = queue.popleft()
        number, total = len(parts) + 1, len(parts) + 1 + len(queue)
        on_part(number, total)
        one_part = part_request(request, chunk, number, total)
        try:
            answer = provider.extract(one_part, meter)
        except ContextExceeded as exc:
            splits += 1
            result.attempts += exc.attempts
            if splits > MAX_SPLITS:
                raise MeetingFailed(f"the transcript could not be fitted to the model's context window "
                                    f"after {MAX_SPLITS} smaller splits ({exc})", attempts=result.attempts) from None
            budget = _lower(budget, exc)
            _learn(provider, budget.context)
            result.notes.append(f"part {number}: the provider said the request did not fit; context budget "
                                f"lowered to {budget.context} tokens")
            queue = deque(plan_parts(remaining_turns([chunk, *queue]), request, budget))
            continue
        except AnswerTruncated as exc:
            result.attempts += exc.attempts
            if len(chunk.own) < 2 or splits >= MAX_SPLITS:
                raise MeetingFailed(f"{exc}, even for a part of {len(chunk.own)} turn(s); raise "
                                    "LLM_OUTPUT_TOKENS", attempts=result.attempts) from None
            splits += 1
            half = len(chunk.own) // 2
            result.notes.append(f"part {number}: the answer reached the output limit; part split in two")
            queue.appendleft(Chunk(own=chunk.own[half:], context=chunk.own[max(0, half - 2):half]))
            queue.appendleft(Chunk(own=chunk.own[:half], context=chunk.context))
            continue
        result.attempts += answer.attempts
        result.retries.extend(answer.retries)
        result.coerced.extend(f"part {number}: {c}" if total > 1 else c for c in answer.coerced)
        parts.append(answer.insights)
    result.parts = len(parts)
    result.budget = budget
    result.insights = merge_insights(parts, summary_of_parts(provider, request, parts, meter, result))
    return result


def part_request(request: ExtractionRequest, chunk: Chunk, number: int, total: int) -> ExtractionRequest:
    return dataclasses.replace(request, turns=chunk.turns, transcript=render_text(chunk.turns),
                               part=number, part_count=total)


def summary_of_parts(provider: Provider, request: ExtractionRequest, parts: list[Insights], meter: UsageMeter,
             result: ExtractResult) -> str:
    if len(parts) == 1:
        return parts[0].summary
    summaries = [p.summary for p in parts if p.summary.strip()]
    try:
        answer = provider.summarise(request.title, summaries, request.language, meter)
    except MeetingFailed as exc:
        if isinstance(exc, ProviderAuthError):
            raise
        result.notes.append(f"the summary call failed ({exc}); the parts' summaries are joined instead")
        return " ".join(summaries)
    result.attempts += answer.attempts
    result.retries.extend(answer.retries)
    return answer.summary


def describe(result: ExtractResult) -> dict[str, Any]:
    """The extract step's audit detail beyond attempts and retries."""
    detail: dict[str, Any] = {"parts": result.parts}
    if result.budget is not None:
        detail.update(context_tokens=result.budget.context, output_tokens=result.budget.output,
                      budget_source=result.budget.source)
    if result.coerced:
        detail["coerced"] = result.coerced
    if result.notes:
        detail["notes"] = result.notes
    return detail
