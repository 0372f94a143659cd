"""Deepgram (`{"results": {"utterances": [{"speaker": 0, "transcript", "start", "end"}]}}`, seconds),
or without utterances: `results.channels[0].alternatives[0].words[{word, punctuated_word, speaker}]`,
grouped into turns where the speaker changes."""
from __future__ import annotations

from typing import Any

from batch_core.ingest.speech_json.common import JsonTranscript, items, seconds, speaker_label, text_of
from batch_core.ingest.turns import merge_turns
from batch_core.models import Turn


def _results(data: Any) -> dict:
    results = data.get("results") if isinstance(data, dict) else None
    return results if isinstance(results, dict) else {}


def _words(results: dict) -> list[dict]:
    channels = items(results.get("channels"))
    alternatives = items(channels[0].get("alternatives")) if channels else []
    return items(alternatives[0].get("words")) if alternatives else []


def matches(data: Any) -> bool:
    results = _results(data)
    return bool(items(results.get("utterances"))) or bool(_words(results))


def parse(data: dict) -> JsonTranscript:
    results = _results(data)
    utterances = items(results.get("utterances"))
    if utterances:
        turns = [Turn(speaker=speaker_label(u.get("speaker")), text=text_of(u.get("transcript")),
                      start=seconds(u.get("start")), end=seconds(u.get("end"))) for u in utterances]
    else:
        turns = [Turn(speaker=speaker_label(w.get("speaker")), text=text_of(w.get("punctuated_word") or w.get("word")),
                      start=seconds(w.get("start")), end=seconds(w.get("end"))) for w in _words(results)]
    channels = items(results.get("channels"))
    language = channels[0].get("detected_language") if channels else None
    return JsonTranscript(tool="Deepgram", turns=merge_turns(turns),
                          language=language if isinstance(language, str) else None)
