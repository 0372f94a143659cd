"""Speaker names over stored records: "Speaker 1" -> "Kari Nordmann", or two labels merged into one.

Pure functions. The mapping is stored beside the record (store/speakers.py; sealed for the
sensitive tier, where a real name must not sit in clear) and applied whenever a record or the
board is read, so the stored record keeps what the pipeline made and a rename can be undone.
"""
from __future__ import annotations

import re
from typing import Any

from batch_core.models import strip_controls

MAX_NAME_CHARS = 80


def clean_name(value: object) -> str:
    return " ".join(strip_controls(str(value or "")).split())[:MAX_NAME_CHARS]


def rename(value: Any, names: dict[str, str]) -> Any:
    return names.get(value, value) if isinstance(value, str) else value


def _renamed_list(values: list[Any], names: dict[str, str]) -> list[Any]:
    return list(dict.fromkeys(rename(v, names) for v in values or []))


def _line(line: str, names: dict[str, str]) -> str:
    match = re.match(r"^(\[[0-9:.]+\] )?([^:\n]{1,120}): ", line)
    if not match or match.group(2) not in names:
        return line
    return f"{match.group(1) or ''}{names[match.group(2)]}: {line[match.end():]}"


def _merged_sentiment(entries: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    from batch_core.pipeline.sentiment import label_for  # VADER loads only where speakers are merged
    merged: dict[str, dict[str, Any]] = {}
    for entry in entries:
        speaker = rename(entry.get("speaker"), names)
        into = merged.setdefault(speaker, {"speaker": speaker, "utterances": 0, "total": 0.0})
        count = int(entry.get("utterances") or 0)
        into["utterances"] += count
        into["total"] += float(entry.get("mean_score") or 0.0) * count
    result = []
    for item in merged.values():
        mean = round(item["total"] / item["utterances"], 4) if item["utterances"] else 0.0
        result.append({"speaker": item["speaker"], "label": label_for(mean), "mean_score": mean, "utterances": item["utterances"]})
    return result


def apply_names(record: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The record as the user named its speakers: speaker list, transcript lines, insights
    (owners, deciders, related speakers, stakeholders) and sentiment (merged speakers combined)."""
    names = {old: new for old, new in (names or {}).items() if new and new != old}
    if not names:
        return record
    record = dict(record)
    record["speakers"] = _renamed_list(record.get("speakers") or [], names)
    record["transcript"] = "\n".join(_line(line, names) for line in str(record.get("transcript") or "").split("\n"))
    insights = dict(record.get("insights") or {})
    insights["action_items"] = [{**a, "owner": rename(a.get("owner"), names)} for a in insights.get("action_items") or []]
    insights["decisions"] = [{**d, "deciders": _renamed_list(d.get("deciders") or [], names)}
                             for d in insights.get("decisions") or []]
    insights["key_topics"] = [{**t, "related_speakers": _renamed_list(t.get("related_speakers") or [], names)}
                              for t in insights.get("key_topics") or []]
    insights["open_questions"] = [{**q, "stakeholders": _renamed_list(q.get("stakeholders") or [], names)}
                                  for q in insights.get("open_questions") or []]
    record["insights"] = insights
    record["sentiment"] = _merged_sentiment(record.get("sentiment") or [], names)
    record["speaker_names"] = names
    return record
