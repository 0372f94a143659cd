"""Batch endpoints: submit (JSON or files), list, progress, cancel, retry, results."""
from __future__ import annotations

import json
from typing import Annotated, Any, Iterator

from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, Path, Query, Response, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse

import batch_core
from batch_core.api import idempotency as api_idempotency
from batch_core.api import upload as api_upload
from batch_core.access import require_process
from batch_core.api.auth import principal
from batch_core.validation import BATCH_ID
from batch_core.api.schemas import (
    BatchPage, BatchProgress, BatchSubmitRequest, BatchSummary, ErrorBody, EstimateResponse,
    SubmitResponse, UploadFailure, UploadResponse,
)
from batch_core.models import BatchMode, DuplicatePolicy, MeetingState, Tier

router = APIRouter(prefix="/api/v1/meetings/batch", tags=["batches"])

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Same key within 24 h returns the same batch."),
]
Caller = Annotated[batch_core.Principal, Depends(principal)]
BatchId = Annotated[str, Path(pattern=BATCH_ID.pattern, description="batch_ and 8 hex digits.")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "Unknown or expired batch."}}
SUBMIT_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Too many meetings, or no usable input."},
    409: {"model": ErrorBody, "description": "Same Idempotency-Key still in flight."},
}


class NDJSONResponse(StreamingResponse):
    media_type = "application/x-ndjson"


def _replay_header(response: Response, replayed: bool) -> None:
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"


@router.post("", status_code=202, response_model=SubmitResponse, responses=SUBMIT_ERRORS,
             summary="Submit a batch of meetings as JSON")
def submit_batch(body: BatchSubmitRequest, response: Response, caller: Caller,
                 idempotency_key: IdempotencyKey = None) -> dict:
    meetings = [m.model_dump(mode="json") for m in body.meetings]
    policy, mode = body.on_duplicate.value, body.mode.value
    answer, replayed = api_idempotency.run_once(
        idempotency_key, api_idempotency.fingerprint("json", caller.name, meetings, policy, mode, body.name),
        lambda: batch_core.submit(meetings, on_duplicate=policy, principal=caller, mode=mode, name=body.name),
    )
    _replay_header(response, replayed)
    return answer


@router.post("/estimate", response_model=EstimateResponse, responses={400: SUBMIT_ERRORS[400]},
             summary="What a batch would cost: calls, tokens and USD; nothing is stored or sent")
def estimate_batch(body: BatchSubmitRequest, caller: Caller) -> dict:
    return batch_core.estimate([m.model_dump(mode="json") for m in body.meetings], principal=caller)


@router.post("/upload", status_code=202, response_model=UploadResponse,
             responses={**SUBMIT_ERRORS, 400: {"model": UploadFailure,
                                               "description": "No usable file, or over a limit."}},
             summary="Submit transcript files (.vtt .srt .txt .md .docx .pdf .sbv .json .tsv .zip)")
def upload_batch(
    response: Response,
    caller: Caller,
    files: Annotated[list[UploadFile], File(description="One or more transcript files.")],
    tier: Annotated[Tier, Form()],
    on_duplicate: Annotated[DuplicatePolicy, Form()] = DuplicatePolicy.SKIP,
    mode: Annotated[BatchMode, Form(description="live or economy (see the JSON submit)")] = BatchMode.LIVE,
    name: Annotated[str | None, Form(max_length=120, description="Optional batch name")] = None,
    titles: Annotated[list[str] | None, Form(description="One per file, in order; empty keeps "
                                                         "the parsed title.")] = None,
    idempotency_key: IdempotencyKey = None,
):
    require_process(caller, tier)  # before a single file is read
    title_map = api_upload.titles_by_name(files, titles)
    read = api_upload.read_uploads(files)
    key_print = api_idempotency.fingerprint(
        "upload", caller.name, api_upload.fingerprint_parts(read.contents), read.errors,
        tier.value, on_duplicate.value, sorted(title_map.items()), mode.value, name,
    )

    def parse_and_submit() -> dict:
        prepared = api_upload.prepare(read, tier, title_map)
        if not prepared.meetings:
            raise _NothingUsable(prepared.errors)
        submitted = batch_core.submit([m.model_dump(mode="json") for m in prepared.meetings],
                                      on_duplicate=on_duplicate.value, principal=caller, mode=mode.value,
                                      name=name)
        return {**submitted, "files": prepared.files, "errors": prepared.errors,
                "ignored": prepared.ignored}

    try:
        answer, replayed = api_idempotency.run_once(idempotency_key, key_print, parse_and_submit)
    except _NothingUsable as failure:
        count = len(files)
        return JSONResponse(status_code=400, content={
            "detail": f"None of the {count} uploaded file{'s' if count != 1 else ''} "
                      "could be read as a transcript; see file_errors.",
            "errors": [], "file_errors": failure.errors,
        })
    _replay_header(response, replayed)
    return answer


class _NothingUsable(Exception):
    def __init__(self, errors: list[dict]) -> None:
        super().__init__("no usable files")
        self.errors = errors


@router.get("", response_model=BatchPage, summary="Batches, newest first")
def list_batches(caller: Caller, limit: Annotated[int, Query(ge=1, le=200)] = 20,
                 offset: Annotated[int, Query(ge=0, le=10_000)] = 0) -> dict:
    # One extra row tells whether another page exists.
    rows = batch_core.list_batches(limit=offset + limit + 1, principal=caller)
    page = rows[offset:offset + limit]
    more = len(rows) > offset + limit
    return {"batches": page, "limit": limit, "offset": offset,
            "next_offset": offset + limit if more else None}


def _existing(batch_id: str, caller: batch_core.Principal) -> dict:
    batch = batch_core.get(batch_id, principal=caller)
    if batch is None:
        raise HTTPException(404, f"No batch '{batch_id}': it never existed or its results expired.")
    return batch


@router.get("/{batch_id}", response_model=BatchProgress, responses=NOT_FOUND,
            summary="Progress and per-meeting results of one batch")
def get_batch(batch_id: BatchId, caller: Caller) -> dict:
    return _existing(batch_id, caller)


STATE_CONFLICT: dict[int | str, dict[str, Any]] = {**NOT_FOUND, 409: {"model": ErrorBody, "description": "Not allowed now."}}


@router.post("/{batch_id}/cancel", response_model=BatchSummary, responses=STATE_CONFLICT,
             summary="Cancel queued meetings; ones in flight finish")
def cancel_batch(batch_id: BatchId, caller: Caller) -> dict:
    _existing(batch_id, caller)
    return _state_change(batch_core.cancel, batch_id, caller)


@router.post("/{batch_id}/retry", response_model=BatchSummary, responses=STATE_CONFLICT,
             summary="Queue the failed meetings of a batch again")
def retry_batch(batch_id: BatchId, caller: Caller,
                mode: Annotated[BatchMode | None, Query(description="send them live or economy this time")] = None,
                ) -> dict:
    _existing(batch_id, caller)
    return _state_change(lambda bid, principal: batch_core.retry_failed(bid, principal=principal, mode=mode and mode.value),
                         batch_id, caller)


@router.post("/{batch_id}/requeue-canceled", response_model=BatchSummary, responses=STATE_CONFLICT,
             summary="Queue the canceled meetings of a batch again")
def requeue_canceled(batch_id: BatchId, caller: Caller) -> dict:
    _existing(batch_id, caller)
    return _state_change(batch_core.requeue_canceled, batch_id, caller)


def _state_change(action, batch_id: str, caller: batch_core.Principal) -> dict:
    try:
        return action(batch_id, principal=caller)
    except batch_core.BatchError as exc:
        raise HTTPException(409, str(exc)) from exc


@router.get("/{batch_id}/minutes.zip", response_model=None, responses={
    **NOT_FOUND, 200: {"description": "A zip with one Markdown and one JSON file per completed meeting.",
                       "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
}, summary="Minutes of every completed meeting of a batch, zipped")
def batch_minutes(batch_id: BatchId, caller: Caller) -> Response:
    data = batch_core.batch_minutes_zip(batch_id, principal=caller)
    if data is None:
        raise HTTPException(404, f"No batch '{batch_id}': it never existed or its results expired.")
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{batch_id}-minutes.zip"'})


# Errors stay JSON, so only the 200 answer is declared as JSON lines.
@router.get("/{batch_id}/results", response_model=None, responses={
    **NOT_FOUND, 200: {"description": "One processed meeting record (JSON) per line.",
                       "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
}, summary="Processed meetings of a batch as JSON lines")
def batch_results(batch_id: BatchId, caller: Caller) -> NDJSONResponse:
    rows = _existing(batch_id, caller).get("results", [])
    ids = [r["meeting_id"] for r in rows
           if r.get("status") == MeetingState.COMPLETED.value and r.get("meeting_id")]
    return NDJSONResponse(_records_as_lines(ids, caller))


def _records_as_lines(meeting_ids: list[str], caller: batch_core.Principal) -> Iterator[str]:
    for meeting_id in meeting_ids:
        record = batch_core.get_meeting(meeting_id, principal=caller, access="download")
        if record is not None:  # deleted since the batch ran
            yield json.dumps(record, ensure_ascii=False) + "\n"
