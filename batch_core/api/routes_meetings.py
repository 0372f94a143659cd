"""Single-meeting endpoints (synchronous processing, lookup) and the health check."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import batch_core
from batch_core.api.auth import principal
from batch_core.validation import BATCH_ID, MEETING_ID
from batch_core.api.schemas import ErrorBody, HealthReport, ProcessRequest, ReprocessRequest, SubmitResponse
from batch_core.config import settings
from batch_core.models import MeetingRecord, MeetingState, Tier

router = APIRouter(prefix="/api/v1/meetings", tags=["meetings"])
access_router = APIRouter(prefix="/api/v1/access", tags=["access"])
Caller = Annotated[batch_core.Principal, Depends(principal)]
MeetingId = Annotated[str, Path(pattern=MEETING_ID.pattern, description="meeting_ and 12 hex digits.")]
health_router = APIRouter(tags=["health"])

# Polling the batch hash is cheap (one MULTI); a short interval keeps the added latency small.
_WAIT_POLL_SECONDS = 0.05


@router.get("/search", summary="Full-text search over titles, transcripts and insights, ranked, with snippets")
def search(caller: Caller, q: Annotated[str, Query(min_length=1, max_length=200, description="Every word must occur")],
           tier: Tier | None = None, date_from: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
           date_to: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
           speaker: Annotated[str | None, Query(max_length=120)] = None,
           batch_id: Annotated[str | None, Query(pattern=BATCH_ID.pattern)] = None,
           provider: Annotated[str | None, Query(max_length=40)] = None,
           language: Annotated[str | None, Query(max_length=10)] = None,
           limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict:
    hits = batch_core.search_meetings(q, tier=tier, date_from=date_from, date_to=date_to, speaker=speaker,
                                      batch_id=batch_id, provider=provider, language=language, limit=limit,
                                      principal=caller)
    return {"query": q, "hits": hits}


class SpeakerNames(BaseModel):
    names: dict[str, Annotated[str, Field(max_length=80)]] = Field(
        description='{"Speaker 1": "Kari Nordmann"}; the same name twice merges; "" takes a name back.')


@router.put("/{meeting_id}/speakers", response_model=MeetingRecord, responses={400: {"model": ErrorBody}},
            summary="Name or merge the speakers of a meeting; insights, sentiment and the board follow")
def name_speakers(meeting_id: MeetingId, body: SpeakerNames, caller: Caller) -> dict:
    return batch_core.rename_speakers(meeting_id, body.names, principal=caller)


@router.post("/reprocess", status_code=202, response_model=SubmitResponse, responses={400: {"model": ErrorBody}},
             summary="Run stored meetings again as a new batch; each new result replaces its old one")
def reprocess(body: ReprocessRequest, caller: Caller) -> dict:
    return batch_core.reprocess_meetings(body.meeting_ids, principal=caller, mode=body.mode.value)


@router.post("/process", response_model=MeetingRecord, responses={
    202: {"model": SubmitResponse, "description": "Still running after "
                                                  "BATCH_API_PROCESS_TIMEOUT_SECONDS; poll the batch."},
    400: {"model": ErrorBody}, 422: {"model": ErrorBody, "description": "Invalid, failed or skipped."},
}, summary="Process one meeting and wait for its insights")
def process_meeting(body: ProcessRequest, caller: Caller):
    # A one-meeting batch in the shared pool, not a direct pipeline call: the record is stored,
    # deduplicated and shown in the dashboard like any other, and a burst of synchronous calls
    # cannot run more pipelines at once than BATCH_MAX_WORKERS.
    meeting = body.model_dump(mode="json", exclude={"on_duplicate"})
    submitted = batch_core.submit([meeting], on_duplicate=body.on_duplicate.value, principal=caller)
    batch_id = submitted["batch_id"]
    batch = batch_core.wait(batch_id, timeout=settings().api_process_timeout_seconds,
                            poll=_WAIT_POLL_SECONDS, principal=caller)
    rows = batch.get("results") or []
    row = rows[0] if rows else {}
    status = row.get("status")
    if status == MeetingState.COMPLETED.value and row.get("meeting_id"):
        record = batch_core.get_meeting(row["meeting_id"], principal=caller)
        if record is not None:
            return record
    if status in (MeetingState.FAILED.value, MeetingState.SKIPPED.value,
                  MeetingState.CANCELED.value):
        reason = row.get("error") or "no reason was recorded"
        outcome = "failed" if status == MeetingState.FAILED.value else f"was {status}"
        return JSONResponse(status_code=422, content={
            "detail": f"The meeting {outcome}: {reason}", "errors": [],
            "batch_id": batch_id, "meeting_id": row.get("meeting_id"),
        })
    return JSONResponse(status_code=202, content=submitted,
                        headers={"Location": f"/api/v1/meetings/batch/{batch_id}"})


@router.get("/{meeting_id}/minutes", response_model=None, responses={
    404: {"model": ErrorBody},
    200: {"description": "Markdown minutes (format=markdown) or JSON (format=json).",
          "content": {"text/markdown": {"schema": {"type": "string"}}, "application/json": {}}},
}, summary="Minutes of one meeting: summary, decisions, action items, open questions, participants")
def meeting_minutes(meeting_id: MeetingId, caller: Caller,
                    format: Annotated[str, Query(pattern="^(markdown|json)$")] = "markdown") -> Response:
    text = batch_core.meeting_minutes(meeting_id, format, principal=caller)
    if text is None:
        raise HTTPException(404, f"No meeting '{meeting_id}'.")
    media = "text/markdown; charset=utf-8" if format == "markdown" else "application/json"
    extension = "md" if format == "markdown" else "json"
    return Response(text, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{meeting_id}.{extension}"'})


@router.get("/{meeting_id}", response_model=MeetingRecord,
            responses={404: {"model": ErrorBody}}, summary="One processed meeting")
def get_meeting(meeting_id: MeetingId, caller: Caller) -> dict:
    record = batch_core.get_meeting(meeting_id, principal=caller)
    if record is None:
        raise HTTPException(404, f"No meeting '{meeting_id}'.")
    return record


@health_router.get("/health", response_model=HealthReport,
                   responses={503: {"model": HealthReport, "description": "Redis is unreachable."}},
                   summary="Up or not (no token needed); with a token, Redis and provider details")
def health(request: Request):
    report = batch_core.health()
    up = report.get("redis") == "ok"
    if request.state.principal is None:
        # Anonymous callers learn only whether the service is up, not what it runs on.
        report = {"redis": "ok" if up else "unavailable"}
    if not up:
        return JSONResponse(status_code=503, content=report)
    return report


@access_router.get("/audit", responses={403: {"model": ErrorBody}},
                   summary="The access audit of sensitive meetings, newest first (admin tokens)")
def audit(caller: Caller, limit: Annotated[int, Query(ge=1, le=5000)] = 200,
          meeting_id: Annotated[str | None, Query(pattern=MEETING_ID.pattern)] = None) -> dict:
    return {"entries": batch_core.audit_log(limit=limit, meeting_id=meeting_id, principal=caller)}


@access_router.get("/me", summary="Who this token is, and its roles")
def whoami(caller: Caller) -> dict:
    return {"name": caller.name, "roles": sorted(r.value for r in caller.roles)}
