"""AWS Transcribe (`results.items[{start_time, end_time, alternatives[{content}], type}]` with
`results.speaker_labels.segments[{speaker_label: "spk_0", start_time, end_time}]`; times are
strings of seconds). Each word goes to the speaker segment that contains its start time;
punctuation items join the word before them."""
from __future__ import annotations

import bisect
from typing import Any

from batch_core.ingest.speech_json.common import JsonTranscript, items, seconds, speaker_label
from batch_core.ingest.turns import merge_turns
from batch_core.models import Turn


def matches(data: Any) -> bool:
    results = data.get("results") if isinstance(data, dict) else None
    return isinstance(results, dict) and isinstance(results.get("items"), list) and (
        "transcripts" in results or "speaker_labels" in results)


def _content(item: dict) -> str:
    alternatives = items(item.get("alternatives"))
    return str(alternatives[0].get("content") or "") if alternatives else ""


def parse(data: dict) -> JsonTranscript:
    results = data["results"]
    labels = results.get("speaker_labels") if isinstance(results.get("speaker_labels"), dict) else {}
    segments = sorted(((seconds(s.get("start_time")) or 0.0, s.get("speaker_label"))
                       for s in items(labels.get("segments"))), key=lambda pair: pair[0])
    starts = [start for start, _ in segments]
    turns: list[Turn] = []
    for item in items(results.get("items")):
        word = _content(item)
        if not word:
            continue
        if item.get("type") == "punctuation" and turns:
            turns[-1].text += word
            continue
        start = seconds(item.get("start_time"))
        position = bisect.bisect_right(starts, start if start is not None else 0.0) - 1
        speaker = segments[position][1] if segments and position >= 0 else None
        turns.append(Turn(speaker=speaker_label(speaker), text=word, start=start, end=seconds(item.get("end_time"))))
    language = results.get("language_code") or data.get("language_code")
    return JsonTranscript(tool="AWS Transcribe", turns=merge_turns(turns),
                          language=language if isinstance(language, str) else None)
