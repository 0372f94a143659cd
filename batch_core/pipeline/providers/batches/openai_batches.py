"""The OpenAI Batch API: a JSONL input file (`files.create`, purpose "batch"), `batches.create`
with a 24 h completion window, polled by `retrieve`; answers in the output file, failures
(expired, cancelled and refused requests) in the error file."""
from __future__ import annotations

import json
from typing import Any, Callable, Iterator, Literal, Sequence, TypeVar

import openai
from openai.types.chat import ChatCompletion

from batch_core.config import Settings
from batch_core.pipeline.providers.batches.base import BatchRequest, BatchStatus, ItemResult
from batch_core.pipeline.providers.openai_provider import settled_httpx
from batch_core.pipeline.providers.sdk import translated

T = TypeVar("T")
ENDPOINT: Literal["/v1/chat/completions"] = "/v1/chat/completions"
TAG_FIELD = "batch_core_tag"
ENDED = ("completed", "failed", "expired", "cancelled")
# An error file's codes for requests that never ran.
_NOT_RUN = {"batch_expired": "expired", "batch_cancelled": "canceled"}


class OpenAIBatches:
    name = "openai"
    max_requests = 50_000          # per batch (OpenAI's documented limit)
    max_bytes = 200 * 1024 * 1024  # 200 MB per input file

    def __init__(self, config: Settings) -> None:
        settled_httpx()
        self._client = openai.OpenAI(api_key=config.openai_api_key, base_url=config.openai_base_url,
                                     timeout=config.llm_timeout_seconds, max_retries=0)

    def _call(self, fn: Callable[[], T]) -> T:
        return translated(fn, openai.APIError)

    def create(self, requests: Sequence[BatchRequest], tag: str) -> str:
        lines = "".join(json.dumps({"custom_id": r.custom_id, "method": "POST", "url": ENDPOINT,
                                    "body": r.params}) + "\n" for r in requests)
        upload = self._call(lambda: self._client.files.create(
            file=("economy.jsonl", lines.encode("utf-8"), "application/jsonl"), purpose="batch"))
        batch = self._call(lambda: self._client.batches.create(
            input_file_id=upload.id, endpoint=ENDPOINT, completion_window="24h", metadata={TAG_FIELD: tag}))
        return batch.id

    def find(self, tag: str, created_after: float, requests: int) -> str | None:
        page = self._call(lambda: self._client.batches.list(limit=50))
        for batch in page.data:
            if (batch.metadata or {}).get(TAG_FIELD) == tag:
                return batch.id
        return None

    def status(self, batch_id: str) -> BatchStatus:
        batch = self._call(lambda: self._client.batches.retrieve(batch_id))
        counts = batch.request_counts
        total, done, failed = (counts.total, counts.completed, counts.failed) if counts else (0, 0, 0)
        counts_by_kind = {"processing": max(0, total - done - failed), "succeeded": done, "errored": failed,
                          "canceled": 0, "expired": 0}
        never_run = {"expired": "expired", "cancelled": "canceled"}.get(batch.status)
        if never_run:  # what was still waiting will not run
            counts_by_kind[never_run] = counts_by_kind.pop("processing")
            counts_by_kind["processing"] = 0
        problem = ""
        if batch.status == "failed" and batch.errors and batch.errors.data:
            problem = "; ".join(str(e.message) for e in batch.errors.data if e.message)[:300]
        return BatchStatus(id=batch.id, status=batch.status, ended=batch.status in ENDED,
                           counts=counts_by_kind, problem=problem)

    def results(self, batch_id: str) -> Iterator[ItemResult]:
        batch = self._call(lambda: self._client.batches.retrieve(batch_id))
        for file_id in (batch.output_file_id, batch.error_file_id):
            if not file_id:
                continue
            text = self._content(file_id)
            for line in text.splitlines():
                if line.strip():
                    yield _item(json.loads(line))

    def _content(self, file_id: str) -> str:
        return self._call(lambda: self._client.files.content(file_id).text)

    def cancel(self, batch_id: str) -> None:
        self._call(lambda: self._client.batches.cancel(batch_id))


def _item(line: dict[str, Any]) -> ItemResult:
    custom_id = str(line.get("custom_id"))
    error = line.get("error") or {}
    if error.get("code") in _NOT_RUN:
        return ItemResult(custom_id, _NOT_RUN[error["code"]], message=str(error.get("message") or ""))
    response = line.get("response") or {}
    body = response.get("body") or {}
    if not error and response.get("status_code") == 200:
        return ItemResult(custom_id, "succeeded", answer=ChatCompletion.model_validate(body))
    inner = body.get("error") if isinstance(body, dict) else None
    message = (inner or {}).get("message") if isinstance(inner, dict) else None
    return ItemResult(custom_id, "errored",
                      message=str(message or error.get("message") or f"HTTP {response.get('status_code')}"))
