"""AssemblyAI transcript (`{"utterances": [{"speaker": "A", "text", "start", "end"}]}`, milliseconds)."""
from __future__ import annotations

from typing import Any

from batch_core.ingest.speech_json.common import JsonTranscript, first_item, items, seconds, speaker_label, text_of
from batch_core.ingest.turns import merge_turns
from batch_core.models import Turn


def matches(data: Any) -> bool:
    first = first_item(data, "utterances")
    return "text" in first and "speaker" in first


def parse(data: dict) -> JsonTranscript:
    turns = [Turn(speaker=speaker_label(u.get("speaker")), text=text_of(u.get("text")),
                  start=seconds(u.get("start"), 1000), end=seconds(u.get("end"), 1000))
             for u in items(data["utterances"])]
    language = data.get("language_code") if isinstance(data.get("language_code"), str) else None
    return JsonTranscript(tool="AssemblyAI", turns=merge_turns(turns), language=language)
