"""Request and response bodies of the HTTP API, as they appear in its OpenAPI schema."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from batch_core.config import settings

from batch_core.models import BatchMode, BatchState, DuplicatePolicy, MeetingIn, MeetingRow


class ErrorBody(BaseModel):
    """Every error answer: one plain sentence, plus the offending fields for validation errors."""
    detail: str
    errors: list[dict] = Field(default_factory=list)


class MeetingInput(MeetingIn):
    # MeetingIn's validator enforces "not blank" with a plain message; the pattern only tells
    # the schema's readers (and generators) the same rule.
    title: str = Field(description="Not blank; inner whitespace is collapsed.",
                       json_schema_extra={"pattern": r"\S"})


class BatchSubmitRequest(BaseModel):
    meetings: list[MeetingInput] = Field(min_length=1, description="At most BATCH_MAX_MEETINGS (50).",
                                         json_schema_extra={"maxItems": 50})
    on_duplicate: DuplicatePolicy = DuplicatePolicy.SKIP
    mode: BatchMode = Field(BatchMode.LIVE, description=(
        "live: sent at once at the list price. economy: one provider batch (Anthropic Message Batches, "
        "OpenAI Batch API) at half the price, results within 24 h; openai or anthropic only."))
    name: str | None = Field(None, max_length=120, description="Optional; shown with the batch everywhere.")

    @field_validator("meetings", mode="before")
    @classmethod
    def _at_most_the_batch_limit(cls, value: Any) -> Any:
        # Before the items are validated: 200k meetings are refused without building 200k models.
        limit = settings().max_meetings
        if isinstance(value, list) and len(value) > limit:
            raise ValueError(f"A batch can hold at most {limit} meetings (BATCH_MAX_MEETINGS); "
                             f"got {len(value)}. Split it into smaller batches.")
        return value


class ReprocessRequest(BaseModel):
    meeting_ids: list[str] = Field(min_length=1, max_length=50, description="Stored meetings to run again.")
    mode: BatchMode = BatchMode.LIVE


class ProcessRequest(MeetingInput):
    """One meeting processed while the client waits."""
    on_duplicate: DuplicatePolicy = DuplicatePolicy.SKIP


class SubmitResponse(BaseModel):
    # Engine extras pass through so clients see everything the library returns.
    model_config = ConfigDict(extra="allow")

    batch_id: str
    total: int
    status: BatchState
    submitted_at: str


class UploadedFile(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    title: str
    format: str | None = None
    word_count: int | None = None


class FileProblem(BaseModel):
    name: str
    reason: str


class UploadResponse(SubmitResponse):
    files: list[UploadedFile] = Field(default_factory=list, description="Files that became meetings.")
    errors: list[FileProblem] = Field(default_factory=list, description="Files skipped, and why.")
    ignored: list[dict] = Field(default_factory=list, description="Archive members not transcripts.")


class UploadFailure(ErrorBody):
    """No uploaded file could be read: each one's reason is listed."""
    file_errors: list[FileProblem] = Field(default_factory=list)


class ProgressRow(MeetingRow):
    model_config = ConfigDict(extra="allow")


class BatchUsage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    cost_usd: float = Field(0.0, description="At list prices (LLM_PRICES overrides); 0 for unpriced models.")


class BatchSummary(BaseModel):
    model_config = ConfigDict(extra="allow")

    batch_id: str
    total: int
    completed: int = 0
    failed: int = 0
    status: BatchState
    usage: BatchUsage | None = Field(None, description="Provider tokens and cost so far, failed calls included.")


class EstimateResponse(BaseModel):
    model_config = ConfigDict(extra="allow")

    provider: str
    model: str
    meetings: int
    calls: int
    parts: int
    input_tokens: int
    output_tokens: int = Field(description="A typical answer size per call, not a promise.")
    cost_usd: float | None = Field(description="USD at list prices; null when the model has no known price.")
    prices_as_of: str
    context_tokens: int


class BatchProgress(BatchSummary):
    results: list[ProgressRow] = Field(default_factory=list)


class BatchPage(BaseModel):
    batches: list[BatchSummary]
    limit: int
    offset: int
    next_offset: int | None = Field(None, description="Offset of the next page; null on the last.")


class HealthReport(BaseModel):
    model_config = ConfigDict(extra="allow")

    redis: str
