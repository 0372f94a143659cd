"""Anthropic Message Batches: `messages.batches.create` with one request per custom_id, polled by
`retrieve` (processing_status, request_counts), results streamed as JSON lines once it ended."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence, TypeVar

import anthropic

from batch_core.config import Settings
from batch_core.pipeline.providers.batches.base import BatchRequest, BatchStatus, ItemResult
from batch_core.pipeline.providers.sdk import translated

T = TypeVar("T")
COUNT_NAMES = ("processing", "succeeded", "errored", "canceled", "expired")


class AnthropicBatches:
    name = "anthropic"
    max_requests = 100_000        # per Message Batch (Anthropic's documented limit)
    max_bytes = 256 * 1024 * 1024  # 256 MB per batch

    def __init__(self, config: Settings) -> None:
        self._client = anthropic.Anthropic(api_key=config.anthropic_api_key, base_url=config.anthropic_base_url,
                                           timeout=config.llm_timeout_seconds, max_retries=0)

    def _call(self, fn: Callable[[], T]) -> T:
        return translated(fn, anthropic.APIError)

    def create(self, requests: Sequence[BatchRequest], tag: str) -> str:
        # Message Batches take no metadata: `find` recognises an unrecorded batch by time and size.
        body: list[Any] = [{"custom_id": r.custom_id, "params": r.params} for r in requests]
        return self._call(lambda: self._client.messages.batches.create(requests=body)).id

    def find(self, tag: str, created_after: float, requests: int) -> str | None:
        page = self._call(lambda: self._client.messages.batches.list(limit=50))
        for batch in page.data:
            counts = batch.request_counts
            total = sum(int(getattr(counts, name, 0) or 0) for name in COUNT_NAMES)
            if batch.created_at.timestamp() >= created_after - 5 and total == requests:
                return batch.id
        return None

    def status(self, batch_id: str) -> BatchStatus:
        batch = self._call(lambda: self._client.messages.batches.retrieve(batch_id))
        counts = {name: int(getattr(batch.request_counts, name, 0) or 0) for name in COUNT_NAMES}
        return BatchStatus(id=batch.id, status=batch.processing_status, ended=batch.processing_status == "ended",
                           counts=counts)

    def results(self, batch_id: str) -> Iterator[ItemResult]:
        for item in self._call(lambda: self._client.messages.batches.results(batch_id)):
            result = item.result
            if result.type == "succeeded":
                yield ItemResult(item.custom_id, "succeeded", answer=result.message)
            elif result.type == "errored":
                error = getattr(result.error, "error", None)
                message = getattr(error, "message", None) or getattr(error, "type", None) or "error"
                yield ItemResult(item.custom_id, "errored", message=str(message))
            else:
                yield ItemResult(item.custom_id, result.type)

    def cancel(self, batch_id: str) -> None:
        self._call(lambda: self._client.messages.batches.cancel(batch_id))
