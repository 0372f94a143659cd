"""pandas DataFrames built from the public API's dicts, ready for st.dataframe and charts."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

import pandas as pd

from batch_core.models import MeetingState, Stage

from ui.format import (
    STATUS_COLOURS,
    escape_markdown,
    elapsed_seconds,
    fmt_ago,
    fmt_ms,
    fmt_seconds,
    fmt_time,
    parse_time,
    short_error,
    status_chip,
    status_from_chip,
    status_value,
)

MEETING_STATES = [s.value for s in MeetingState]


def status_counts(batch: dict) -> dict[str, int]:
    """Count per MeetingState, from the batch counters (which agree with its rows)."""
    counts = {state: int(batch.get(state) or 0) for state in MEETING_STATES}
    rows = batch.get("results")
    if rows and not any(counts.values()):
        for row in rows:
            counts[status_value(row.get("status"))] = counts.get(status_value(row.get("status")), 0) + 1
    return counts


def progress_fraction(batch: dict) -> float:
    total = int(batch.get("total") or 0)
    if total <= 0:
        return 1.0
    counts = status_counts(batch)
    done = sum(counts[s.value] for s in MeetingState if s.terminal)
    return min(1.0, done / total)


def remaining(batch: dict) -> int:
    counts = status_counts(batch)
    return counts[MeetingState.QUEUED.value] + counts[MeetingState.PROCESSING.value]


def throughput_per_min(batch: dict, now: datetime | None = None) -> float | None:
    """Meetings finished per minute, as the engine's get() computes it (None when unknown)."""
    given = batch.get("throughput_per_min")
    return float(given) if given not in (None, "") else None


def eta_seconds(batch: dict, now: datetime | None = None) -> float | None:
    """Seconds until the last meeting finishes at the current pace; None when unknown."""
    left = remaining(batch)
    if left == 0:
        return 0.0
    rate = throughput_per_min(batch, now)
    if not rate:
        return None
    return left / rate * 60.0


def stage_words(row: dict) -> str:
    """'extract 2/5' while a long transcript's parts are extracted; the stage name otherwise."""
    stage = status_value(row.get("stage")) or "—"
    progress = row.get("progress")
    if progress and status_value(row.get("status")) == MeetingState.PROCESSING.value:
        return f"{stage} {progress}"
    return stage


def economy_line(economy: dict) -> str:
    """'Economy mode · waiting at provider · 140 of 300 done · saved $1.20 against live prices'."""
    parts = ["**Economy mode**", escape_markdown(economy.get("text") or "")]
    ids = [b["id"] for b in economy.get("provider_batches") or [] if b.get("id")]
    if ids:
        parts.append("provider batch " + ", ".join(f"`{i}`" for i in ids))
    if economy.get("saving_usd"):
        parts.append(f"saved ${economy['saving_usd']:.4f} against live prices")
    refused = [b["error"] for b in economy.get("provider_batches") or [] if b.get("error")]
    if refused:
        parts.append(escape_markdown(refused[0]))
    return " · ".join(parts)


def tokens_words(usage: dict | None) -> str:
    if not usage or not usage.get("calls"):
        return "—"
    return f"{int(usage.get('input_tokens', 0)) + int(usage.get('output_tokens', 0)):,}"


def usage_line(usage: dict | None) -> str | None:
    """A batch's or meeting's provider spend in one line, or None when nothing was sent."""
    if not usage or not usage.get("calls"):
        return None
    cost = float(usage.get("cost_usd") or 0)
    return (f"{int(usage['input_tokens']):,} input + {int(usage['output_tokens']):,} output tokens over "
            f"{int(usage['calls'])} provider call(s) · ${cost:.4f} at list prices")


def batch_rows_frame(rows: Iterable[dict]) -> pd.DataFrame:
    """The per-meeting table of a batch: one line per submitted meeting, in order."""
    records = []
    for row in rows:
        records.append({
            "#": int(row.get("index", 0)) + 1,
            "Title": str(row.get("title") or ""),
            "Status": status_chip(row.get("status")),
            "Stage": stage_words(row),
            "Duration": fmt_ms(row.get("duration_ms")),
            "Attempts": int(row.get("attempts") or 0),
            "Tokens": tokens_words(row.get("usage")),
            "Error": short_error(row.get("error")),
            "Source": str(row.get("source_name") or ""),
            "Meeting ID": str(row.get("meeting_id") or ""),
            "Open": meeting_link(row.get("meeting_id")),
        })
    columns = ["#", "Title", "Status", "Stage", "Duration", "Attempts", "Tokens", "Error", "Source", "Meeting ID", "Open"]
    return pd.DataFrame.from_records(records, columns=columns)


def _status_cell_style(chip: object) -> str:
    colour = STATUS_COLOURS.get(status_from_chip(str(chip or "")))
    return f"background-color: {colour}; color: #111827" if colour else ""


def style_status(frame: pd.DataFrame, column: str = "Status") -> Any:
    """A Styler that paints the status column; st.dataframe renders it with colours."""
    if frame.empty or column not in frame.columns:
        return frame
    return frame.style.map(_status_cell_style, subset=[column])


def batches_frame(batches: Iterable[dict], now: datetime | None = None) -> pd.DataFrame:
    records = []
    for batch in batches:
        counts = status_counts(batch)
        elapsed = elapsed_seconds(batch.get("submitted_at"), batch.get("finished_at"), now)
        records.append({
            "Batch": str(batch.get("batch_id")),
            "Status": status_chip(batch.get("status")),
            "Progress": progress_fraction(batch),
            "Total": int(batch.get("total") or 0),
            "Completed": counts["completed"],
            "Failed": counts["failed"],
            "Skipped": counts["skipped"],
            "Canceled": counts["canceled"],
            "Submitted": fmt_ago(batch.get("submitted_at"), now),
            "Duration": fmt_seconds(elapsed),
        })
    columns = ["Batch", "Status", "Progress", "Total", "Completed", "Failed", "Skipped",
               "Canceled", "Submitted", "Duration"]
    return pd.DataFrame.from_records(records, columns=columns)


def recent_failures(batches: Iterable[dict], now: datetime | None = None,
                    hours: float = 24.0) -> list[dict]:
    """Batches submitted in the last `hours` that have at least one failed meeting."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(hours=hours)
    found = []
    for batch in batches:
        submitted = parse_time(batch.get("submitted_at"))
        if submitted and submitted >= cutoff and int(batch.get("failed") or 0) > 0:
            found.append(batch)
    return found


def failed_rows_frame(batches: Iterable[dict]) -> pd.DataFrame:
    """Failed meetings across batches (each batch dict from get(), with results)."""
    records = []
    for batch in batches:
        for row in batch.get("results") or []:
            if status_value(row.get("status")) != MeetingState.FAILED.value:
                continue
            records.append({
                "Title": str(row.get("title") or ""),
                "Reason": short_error(row.get("error"), limit=140),
                "Stage": status_value(row.get("stage")) or "—",
                "Batch": str(batch.get("batch_id")),
                "When": fmt_time(row.get("finished_at")),
            })
    return pd.DataFrame.from_records(records, columns=["Title", "Reason", "Stage", "Batch", "When"])


def throughput_series(rows: Iterable[dict], submitted_at: object) -> pd.DataFrame:
    """Cumulative finished meetings against seconds since submission, one point per finish."""
    start = parse_time(submitted_at)
    points = []
    for row in rows:
        finished = parse_time(row.get("finished_at"))
        state = status_value(row.get("status"))
        if finished is None or state in (MeetingState.QUEUED.value, MeetingState.PROCESSING.value):
            continue
        points.append((finished, state))
    points.sort(key=lambda p: p[0])
    if not points:
        return pd.DataFrame.from_records([], columns=["Seconds", "Finished", "Status"])
    origin = start or points[0][0]
    records = [{"Seconds": 0.0, "Finished": 0, "Status": ""}]
    for count, (finished, state) in enumerate(points, start=1):
        records.append({
            "Seconds": round(max(0.0, (finished - origin).total_seconds()), 2),
            "Finished": count,
            "Status": state,
        })
    return pd.DataFrame.from_records(records, columns=["Seconds", "Finished", "Status"])


def meetings_frame(meetings: Iterable[dict], now: datetime | None = None) -> pd.DataFrame:
    records = []
    for meeting in meetings:
        records.append({
            "Title": str(meeting.get("title") or ""),
            "Tier": status_value(meeting.get("tier")),
            "Date": str(meeting.get("meeting_date") or "—"),
            "Processed": fmt_ago(meeting.get("processed_at"), now),
            "Speakers": len(meeting.get("speakers") or []) if isinstance(meeting.get("speakers"), list)
            else meeting.get("speakers"),
            "Words": meeting.get("word_count"),
            "Meeting ID": str(meeting.get("meeting_id") or ""),
            "Open": meeting_link(meeting.get("meeting_id")),
        })
    return pd.DataFrame.from_records(
        records, columns=["Open", "Title", "Tier", "Date", "Processed", "Speakers", "Words", "Meeting ID"])


def meeting_link(meeting_id: object) -> str | None:
    """The meeting page's deep link (a LinkColumn cell), or None before the record exists."""
    return f"/Meetings?meeting={meeting_id}" if meeting_id else None


def decisions_frame(insights: dict) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [{"Topic": d.get("topic", ""), "Decision": d.get("decision", ""),
          "Deciders": ", ".join(d.get("deciders") or []),
          "Confidence": float(d.get("confidence") or 0.0)}
         for d in insights.get("decisions") or []],
        columns=["Topic", "Decision", "Deciders", "Confidence"])


def action_items_frame(insights: dict) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [{"Task": a.get("task", ""), "Owner": a.get("owner") or "—",
          "Deadline": a.get("deadline") or "—", "Priority": a.get("priority") or "—"}
         for a in insights.get("action_items") or []],
        columns=["Task", "Owner", "Deadline", "Priority"])


def topics_frame(insights: dict) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [{"Topic": t.get("name", ""), "Importance": float(t.get("importance") or 0.0),
          "Speakers": ", ".join(t.get("related_speakers") or [])}
         for t in insights.get("key_topics") or []],
        columns=["Topic", "Importance", "Speakers"])


def questions_frame(insights: dict) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [{"Question": q.get("question", ""), "Context": q.get("context") or "",
          "Stakeholders": ", ".join(q.get("stakeholders") or [])}
         for q in insights.get("open_questions") or []],
        columns=["Question", "Context", "Stakeholders"])


def sentiment_frame(sentiment: Iterable[dict]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [{"Speaker": s.get("speaker", ""), "Score": float(s.get("mean_score") or 0.0),
          "Label": s.get("label", "neutral"), "Utterances": int(s.get("utterances") or 0)}
         for s in sentiment],
        columns=["Speaker", "Score", "Label", "Utterances"])


def audit_frame(audit: Iterable[dict]) -> pd.DataFrame:
    records = []
    for entry in audit:
        detail = entry.get("detail") or {}
        records.append({
            "Step": entry.get("step", ""),
            "At": fmt_time(entry.get("at")),
            "Duration": fmt_ms(entry.get("duration_ms")),
            "Detail": ", ".join(f"{k}={v}" for k, v in detail.items()) if isinstance(detail, dict)
            else str(detail),
        })
    return pd.DataFrame.from_records(records, columns=["Step", "At", "Duration", "Detail"])


def stage_timings_frame(row: dict) -> pd.DataFrame:
    """A failed/skipped row's own trail: how long each stage it reached took."""
    order = {stage.value: position for position, stage in enumerate(Stage)}
    timings = sorted((row.get("stage_ms") or {}).items(), key=lambda item: order.get(item[0], 99))
    return pd.DataFrame.from_records(
        [{"Stage": stage, "Duration": fmt_ms(ms)} for stage, ms in timings],
        columns=["Stage", "Duration"])


def tier_totals(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [{"Tier": tier, "Meetings": count} for tier, count in counts.items()],
        columns=["Tier", "Meetings"])



def workers_frame(workers: Iterable[dict]) -> pd.DataFrame:
    """Live RQ workers: where they run, what they do, and how recently they said so."""
    return pd.DataFrame([{
        "Worker": w.get("name"),
        "Host": w.get("hostname"),
        "State": w.get("state"),
        "Current meeting": (f"{w['current_batch']} #{int(w['current_index']) + 1}"
                            if w.get("current_batch") is not None
                            and w.get("current_index") is not None else ""),
        "Last heartbeat": fmt_seconds(w.get("heartbeat_age_seconds")) + " ago"
        if w.get("heartbeat_age_seconds") is not None else "never",
        "Done": w.get("successful_jobs") or 0,
        "Failed": w.get("failed_jobs") or 0,
    } for w in workers], columns=["Worker", "Host", "State", "Current meeting", "Last heartbeat",
                                  "Done", "Failed"])
