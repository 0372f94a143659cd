"""Pure presentation helpers: formatting, status chips, tables built from API dicts."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from ui.exports import batch_json, rows_csv
from ui.format import (
    escape_markdown, fmt_ago, fmt_clock, fmt_seconds, parse_time, short_error, status_chip,
    status_from_chip,
)
from ui.tables import (
    batch_rows_frame, batches_frame, eta_seconds, progress_fraction, recent_failures,
    style_status, throughput_per_min, throughput_series,
)

NOW = datetime(2026, 11, 29, 12, 0, 0, tzinfo=timezone.utc)


def iso(seconds_before_now: float) -> str:
    return (NOW - timedelta(seconds=seconds_before_now)).isoformat()


def test_escape_markdown_neutralises_links_html_emphasis_and_directives():
    hostile = "**bold** [x](http://evil) <img src=x> :red[alarm] $x^2$ # h"
    escaped = escape_markdown(hostile)
    for position, char in enumerate(escaped):
        if char in "*[]()<>:$#" and (position == 0 or escaped[position - 1] != "\\"):
            raise AssertionError(f"unescaped {char!r} at {position} in {escaped!r}")
    # Removing the escaping backslashes gives the original text back.
    assert escaped.replace("\\", "") == hostile.replace("\\", "")


def test_durations_and_clock():
    assert fmt_seconds(0.25) == "250 ms"
    assert fmt_seconds(4.24) == "4.2 s"
    assert fmt_seconds(185) == "3 min 05 s"
    assert fmt_seconds(3720) == "1 h 02 min"
    assert fmt_seconds(None) == "—"
    assert fmt_clock(2832) == "47:12"
    assert fmt_clock(3723) == "1:02:03"


def test_times_parse_iso_and_epoch_and_render_relative():
    assert parse_time("2026-11-29T11:59:00Z") == datetime(2026, 11, 29, 11, 59, tzinfo=timezone.utc)
    assert parse_time(str(NOW.timestamp())) == NOW
    assert parse_time("not a time") is None
    assert fmt_ago(iso(10), NOW) == "just now"
    assert fmt_ago(iso(600), NOW) == "10 min ago"
    assert fmt_ago(iso(3 * 3600), NOW) == "3 h ago"


def test_status_chip_round_trip_and_short_error():
    assert status_chip("failed") == "🔴 failed"
    assert status_from_chip(status_chip("completed")) == "completed"
    long = "Provider refused the request: " + "x" * 200 + "\nsecond line"
    cut = short_error(long, limit=50)
    assert len(cut) == 50 and cut.endswith("…") and "second line" not in cut


def batch_with(rows: list[dict], **extra) -> dict:
    counts = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return {"batch_id": "b1", "total": len(rows), "status": "processing", "submitted_at": iso(120),
            "results": rows, **counts, **extra}


ROWS = [
    {"index": 0, "title": "Alpha", "tier": "ordinary", "status": "completed", "stage": "store",
     "duration_ms": 1500, "finished_at": iso(90), "meeting_id": "meeting_a"},
    {"index": 1, "title": "Beta", "tier": "ordinary", "status": "failed", "stage": "extract",
     "error": "Provider timed out after 3 attempts", "finished_at": iso(60)},
    {"index": 2, "title": "Gamma", "tier": "ordinary", "status": "queued"},
    {"index": 3, "title": "Delta", "tier": "ordinary", "status": "processing", "stage": "redact"},
]


def test_progress_throughput_and_eta_from_counts():
    batch = {**batch_with(ROWS), "throughput_per_min": 1.0}  # as get() reports it
    assert progress_fraction(batch) == 0.5
    assert throughput_per_min(batch, NOW) == 1.0
    assert abs(eta_seconds(batch, NOW) - 120.0) < 1e-6  # 2 left at 1/min
    assert throughput_per_min({**batch, "throughput_per_min": None}, NOW) is None
    assert eta_seconds({**batch, "throughput_per_min": None}, NOW) is None
    done = batch_with([ROWS[0]])
    assert progress_fraction(done) == 1.0 and eta_seconds(done, NOW) == 0.0


def test_batch_rows_frame_has_one_line_per_meeting_with_chips():
    frame = batch_rows_frame(ROWS)
    assert list(frame["Title"]) == ["Alpha", "Beta", "Gamma", "Delta"]
    assert list(frame["Status"]) == ["🟢 completed", "🔴 failed", "⚪ queued", "🔵 processing"]
    assert frame.loc[1, "Error"].startswith("Provider timed out")
    assert frame.loc[0, "Duration"] == "1.5 s"
    styled = style_status(frame).to_html()
    assert "#fee2e2" in styled and "#dcfce7" in styled  # failed red, completed green


def test_throughput_series_is_cumulative_in_finish_order():
    series = throughput_series(ROWS, iso(120))
    assert list(series["Finished"]) == [0, 1, 2]
    assert list(series["Seconds"]) == [0.0, 30.0, 60.0]
    assert list(series["Status"]) == ["", "completed", "failed"]


def test_recent_failures_only_counts_the_last_day():
    fresh = {"batch_id": "new", "failed": 2, "submitted_at": iso(3600)}
    old = {"batch_id": "old", "failed": 5, "submitted_at": iso(3 * 86400)}
    clean = {"batch_id": "ok", "failed": 0, "submitted_at": iso(60)}
    assert [b["batch_id"] for b in recent_failures([fresh, old, clean], NOW)] == ["new"]
    frame = batches_frame([fresh], NOW)
    assert frame.loc[0, "Failed"] == 2 and frame.loc[0, "Submitted"] == "1 h ago"


def test_exports_include_insights_of_completed_meetings_only():
    batch = batch_with(ROWS)
    fetched = []

    def fetch(meeting_id):
        fetched.append(meeting_id)
        return {"insights": {"summary": "S"}, "sentiment": [], "redacted": False}

    data = json.loads(batch_json(batch, fetch))
    assert fetched == ["meeting_a"]
    assert data["meetings"][0]["insights"] == {"summary": "S"}
    assert "insights" not in data["meetings"][1]
    assert "results" not in data["batch"]
    csv_text = rows_csv(ROWS)
    assert csv_text.splitlines()[0].startswith("index,title,status")
    assert "Provider timed out after 3 attempts" in csv_text


def test_preview_flags_titles_repeated_inside_one_upload():
    from batch_core.ingest import load_files
    from ui.preview import build_preview, selected_meetings

    text = ("Alice: " + "we talked about the plan and the budget today " * 5).encode()
    report = load_files([("sync.txt", text), ("sync.md", text), ("x.pdf", b"%PDF")])
    preview = build_preview(report, "ordinary", 20, lambda title, tier: None)
    checks = list(preview.frame["Check"])
    assert checks[0] == "ok"
    assert checks[1].startswith("duplicate of another file in this upload")
    assert checks[2].startswith("unreadable: ")
    chosen = selected_meetings(preview.frame.assign(Include=True), preview.parsed, "sensitive")
    assert [m["tier"] for m in chosen.meetings] == ["ordinary", "ordinary"]  # each row's own tier wins
    chosen = selected_meetings(preview.frame.assign(Include=True, Tier=["sensitive", "", ""]), preview.parsed,
                               "ordinary")
    assert [m["tier"] for m in chosen.meetings] == ["sensitive", "ordinary"]  # a row without one: the default
    assert len(chosen.notes) == 1 and chosen.notes[0].startswith("x.pdf: cannot be processed")


def test_stage_timings_follow_the_pipeline_order():
    from ui.tables import stage_timings_frame

    frame = stage_timings_frame({"stage_ms": {"extract": 48.0, "parse": 5.0, "redact": 20.0}})
    assert list(frame["Stage"]) == ["parse", "redact", "extract"]
    assert list(frame["Duration"]) == ["5 ms", "20 ms", "48 ms"]
