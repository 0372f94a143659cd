"""Downloads of a batch: JSON with every completed meeting's insights, CSV of the status table
(cells neutralised against formula injection)."""
from __future__ import annotations

import json
from typing import Callable

import pandas as pd

from ui.format import status_value

CSV_COLUMNS = ["index", "title", "status", "stage", "error", "attempts", "duration_ms",
               "meeting_id", "source_name", "started_at", "finished_at"]


# A spreadsheet runs a cell that starts like a formula (CSV injection, OWASP): a leading quote
# makes it text. Titles, file names and errors come from uploads, so every text cell is checked.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_cells(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(neutralise)


def rows_csv(rows: list[dict]) -> str:
    records = [{column: neutralise(status_value(row.get(column)) if column in ("status", "stage")
                                   else row.get(column)) for column in CSV_COLUMNS} for row in rows]
    return pd.DataFrame.from_records(records, columns=CSV_COLUMNS).to_csv(index=False)


def batch_json(batch: dict, fetch_meeting: Callable[[str], dict | None]) -> str:
    """The batch, its rows, and for each completed row the stored meeting's insights."""
    meetings = []
    for row in batch.get("results") or []:
        entry = dict(row)
        meeting_id = row.get("meeting_id")
        if status_value(row.get("status")) == "completed" and meeting_id:
            record = fetch_meeting(meeting_id)
            if record:
                entry.update({
                    "insights": record.get("insights"),
                    "sentiment": record.get("sentiment"),
                    "redacted": record.get("redacted"),
                    "provider": record.get("provider"),
                    "model": record.get("model"),
                })
        meetings.append(entry)
    summary = {k: v for k, v in batch.items() if k != "results"}
    return json.dumps({"batch": summary, "meetings": meetings}, indent=2, default=str,
                      ensure_ascii=False)
