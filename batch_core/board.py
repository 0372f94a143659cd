"""The action-item board (re-exported by batch_core/__init__.py): every action item and decision
of the stored meetings a principal may read, with done/open marks that are stored with who set
them and when.

Read from the board index (store/board.py), never from whole records. A sensitive meeting's
items are as stored (redacted) and visible only with the sensitive role; marking one needs the
role that may process its tier, and is written to the access audit.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from batch_core import store
from batch_core.access import Principal, acting, audit, require_process
from batch_core.errors import BatchError
from batch_core.library import tiers_for
from batch_core.models import Tier
from batch_core.speakers import rename
from batch_core.validation import check_meeting_id

STATUSES = ("open", "done")
_PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def action_items(tier: str | Tier | None = None, status: str | None = None, owner: str | None = None,
                 text: str | None = None, principal: Principal | None = None) -> list[dict[str, Any]]:
    """Every action item the principal may see, newest meeting first: task, owner, deadline,
    priority, the meeting (id, title, date, tier, batch), done with done_by / done_at.
    `status` is "open" or "done"; `owner` and `text` match case-insensitively as substrings."""
    if status not in (None, "", *STATUSES):
        raise BatchError(f"status must be 'open' or 'done' (got {status!r}).")
    tiers = [t.value for t in tiers_for(tier, acting(principal))]
    states = store.item_states(tiers)
    named = store.all_speaker_names(tiers)
    rows = []
    for entry in store.board_entries(tiers):
        names = named.get(entry["meeting_id"], {})
        for number, item in enumerate(entry["action_items"]):
            mark = states.get(f"{entry['meeting_id']}:{number}")
            rows.append({
                "meeting_id": entry["meeting_id"], "item": number, "task": item.get("task"),
                "owner": rename(item.get("owner"), names), "deadline": item.get("deadline"), "priority": item.get("priority"),
                "title": entry.get("title"), "meeting_date": entry.get("meeting_date"),
                "processed_at": entry.get("processed_at"), "tier": entry.get("tier"),
                "batch_id": entry.get("batch_id"), "done": mark is not None,
                "done_by": (mark or {}).get("by"), "done_at": (mark or {}).get("at"),
            })
    rows = [r for r in rows if _matches(r, status, owner, text)]
    rows.sort(key=lambda r: (r["meeting_date"] or r["processed_at"] or "", r["processed_at"] or ""), reverse=True)
    return rows


def _matches(row: dict[str, Any], status: str | None, owner: str | None, text: str | None) -> bool:
    if status == "open" and row["done"] or status == "done" and not row["done"]:
        return False
    if owner and owner.casefold() not in str(row["owner"] or "").casefold():
        return False
    if text and text.casefold() not in f"{row['task']} {row['title']}".casefold():
        return False
    return True


def set_action_done(meeting_id: str, item: int, done: bool = True,
                    principal: Principal | None = None) -> dict[str, Any]:
    """Mark action item `item` (its position in the meeting) done or open again; returns the row."""
    who = acting(principal)
    entry = next((e for e in store.board_entries([t.value for t in who.readable_tiers()])
                  if e["meeting_id"] == check_meeting_id(meeting_id)), None)
    if entry is None or not 0 <= item < len(entry["action_items"]):
        raise BatchError(f"No action item {item} in meeting {meeting_id!r}.")
    tier = entry["tier"]
    require_process(who, tier)
    state = {"by": who.name, "at": store.utc_now()} if done else None
    store.set_item_state(tier, meeting_id, item, state)
    if tier == Tier.SENSITIVE.value:
        audit.record(who, "update", meeting_id=meeting_id, batch_id=str(entry.get("batch_id") or ""),
                     detail=f"action item {item} marked {'done' if done else 'open'}")
    return next(r for r in action_items(tier=tier, principal=who)
                if r["meeting_id"] == meeting_id and r["item"] == item)


def decision_log(tier: str | Tier | None = None, text: str | None = None,
                 principal: Principal | None = None) -> list[dict[str, Any]]:
    """Every decision of the meetings the principal may see, newest meeting first (read-only)."""
    tiers = [t.value for t in tiers_for(tier, acting(principal))]
    named = store.all_speaker_names(tiers)
    rows = [{"meeting_id": e["meeting_id"], "title": e.get("title"), "meeting_date": e.get("meeting_date"),
             "processed_at": e.get("processed_at"), "tier": e.get("tier"), "topic": d.get("topic"),
             "decision": d.get("decision"),
             "deciders": list(dict.fromkeys(rename(x, named.get(e["meeting_id"], {})) for x in d.get("deciders") or []))}
            for e in store.board_entries(tiers) for d in e["decisions"]]
    if text:
        rows = [r for r in rows if text.casefold() in f"{r['topic']} {r['decision']} {r['title']}".casefold()]
    rows.sort(key=lambda r: (r["meeting_date"] or r["processed_at"] or "", r["processed_at"] or ""), reverse=True)
    return rows


CSV_COLUMNS = ("done", "task", "owner", "deadline", "priority", "title", "meeting_date", "tier", "meeting_id",
               "item", "done_by", "done_at")
# A cell starting like a formula runs in a spreadsheet (CSV injection); a leading quote makes it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def action_items_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        cells = [row.get(column) for column in CSV_COLUMNS]
        writer.writerow(["'" + c if isinstance(c, str) and c.startswith(_FORMULA_STARTS) else c for c in cells])
    return buffer.getvalue()


def action_items_markdown(rows: list[dict[str, Any]]) -> str:
    """The board as a Markdown checklist, grouped by meeting."""
    lines = ["# Action items", ""]
    current = None
    for row in rows:
        if row["meeting_id"] != current:
            current = row["meeting_id"]
            lines += ["", f"## {row['title'] or row['meeting_id']}" + (f" ({row['meeting_date']})" if row["meeting_date"] else ""), ""]
        extra = [f"owner: {row['owner']}" if row["owner"] else "", f"due: {row['deadline']}" if row["deadline"] else "",
                 f"priority: {row['priority']}" if row["priority"] else "",
                 f"done by {row['done_by']} at {row['done_at']}" if row["done"] else ""]
        details = "; ".join(e for e in extra if e)
        lines.append(f"- [{'x' if row['done'] else ' '}] {row['task']}" + (f" — {details}" if details else ""))
    return "\n".join(lines).replace("\n\n\n", "\n\n").strip() + "\n"
