"""The action-item board over HTTP: every visible action item (JSON, CSV or Markdown), marking
one done or open, and the decision log."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel

import batch_core
from batch_core.api.auth import principal
from batch_core.models import Tier
from batch_core.validation import MEETING_ID

router = APIRouter(prefix="/api/v1/board", tags=["board"])
Caller = Annotated[batch_core.Principal, Depends(principal)]
MeetingId = Annotated[str, Path(pattern=MEETING_ID.pattern, description="meeting_ and 12 hex digits.")]


class DoneMark(BaseModel):
    done: bool


@router.get("/actions", summary="Every action item you may see, newest meeting first",
            responses={200: {"content": {"text/csv": {}, "text/markdown": {}}}})
def list_actions(caller: Caller, status: Literal["open", "done"] | None = None,
                 owner: Annotated[str | None, Query(max_length=200)] = None,
                 text: Annotated[str | None, Query(max_length=200)] = None, tier: Tier | None = None,
                 format: Literal["json", "csv", "markdown"] = "json") -> Any:
    rows = batch_core.action_items(tier=tier, status=status, owner=owner, text=text, principal=caller)
    if format == "csv":
        return Response(batch_core.action_items_csv(rows), media_type="text/csv",
                        headers={"content-disposition": 'attachment; filename="action_items.csv"'})
    if format == "markdown":
        return Response(batch_core.action_items_markdown(rows), media_type="text/markdown")
    return {"action_items": rows}


@router.put("/actions/{meeting_id}/{item}", summary="Mark an action item done, or open again")
def mark_action(meeting_id: MeetingId, item: Annotated[int, Path(ge=0, le=10_000)], body: DoneMark,
                caller: Caller) -> dict:
    return batch_core.set_action_done(meeting_id, item, body.done, principal=caller)


@router.get("/decisions", summary="Every decision you may see, newest meeting first (read-only)")
def list_decisions(caller: Caller, text: Annotated[str | None, Query(max_length=200)] = None,
                   tier: Tier | None = None) -> dict:
    return {"decisions": batch_core.decision_log(tier=tier, text=text, principal=caller)}
