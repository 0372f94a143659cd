"""Fireflies API (`sentences[{text, speaker_name, start_time, end_time}]`, seconds), at the top level
or under `data.transcript`; `title` and `date` (epoch milliseconds) when present."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from batch_core.ingest.speech_json.common import JsonTranscript, first_item, items, seconds, speaker_label, text_of
from batch_core.ingest.turns import merge_turns
from batch_core.models import Turn


def _body(data: Any) -> dict:
    if not isinstance(data, dict):
        return {}
    inner = data.get("data")
    if isinstance(inner, dict) and isinstance(inner.get("transcript"), dict):
        return inner["transcript"]
    return data


def matches(data: Any) -> bool:
    first = first_item(_body(data), "sentences")
    return "text" in first and ("speaker_name" in first or "speaker_id" in first)


def parse(data: dict) -> JsonTranscript:
    body = _body(data)
    turns = [Turn(speaker=speaker_label(s.get("speaker_name") or s.get("speaker_id")), text=text_of(s.get("text")),
                  start=seconds(s.get("start_time")), end=seconds(s.get("end_time")))
             for s in items(body.get("sentences"))]
    title = body.get("title") if isinstance(body.get("title"), str) else None
    date = None
    if isinstance(body.get("date"), (int, float)) and body["date"] > 0:
        date = datetime.fromtimestamp(body["date"] / 1000, tz=timezone.utc).date().isoformat()
    return JsonTranscript(tool="Fireflies", turns=merge_turns(turns), title=title, date=date)
