"""OpenAI Whisper (`{"text", "segments": [{"id", "start", "end", "text"}], "language"}`, seconds) and
WhisperX (the same with `"speaker": "SPEAKER_00"` per segment; words may carry speakers too)."""
from __future__ import annotations

from typing import Any

from batch_core.ingest.speech_json.common import JsonTranscript, first_item, items, seconds, speaker_label, text_of
from batch_core.ingest.turns import merge_turns
from batch_core.models import Turn


def matches(data: Any) -> bool:
    first = first_item(data, "segments")
    return "text" in first and "start" in first


def _segment_speaker(segment: dict) -> Any:
    if segment.get("speaker") is not None:
        return segment["speaker"]
    speakers = [w.get("speaker") for w in items(segment.get("words")) if w.get("speaker") is not None]
    return max(set(speakers), key=speakers.count) if speakers else None


def parse(data: dict) -> JsonTranscript:
    turns = [Turn(speaker=speaker_label(_segment_speaker(s)), text=text_of(s.get("text")),
                  start=seconds(s.get("start")), end=seconds(s.get("end")))
             for s in items(data["segments"])]
    diarised = any(t.speaker for t in turns)
    language = data.get("language") if isinstance(data.get("language"), str) else None
    return JsonTranscript(tool="WhisperX" if diarised else "Whisper", turns=merge_turns(turns),
                          language=language)
