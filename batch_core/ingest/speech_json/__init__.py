"""Speech-to-text JSON exports, recognised by their keys (never by the extension).

One module per tool, each with `matches(data)` (its shape) and `parse(data)` -> JsonTranscript:
Whisper / WhisperX, AssemblyAI, Deepgram, AWS Transcribe, Fireflies. Speakers given as numbers
or letters become "Speaker 0" / "Speaker A" (renamed later by people who know who spoke).
A JSON file of none of these shapes is refused naming its keys, so the user sees what it holds.
"""
from __future__ import annotations

import json

from batch_core.ingest.errors import IngestError
from batch_core.ingest.speech_json import assemblyai, aws, deepgram, fireflies, whisper
from batch_core.ingest.speech_json.common import JsonTranscript

__all__ = ["JsonTranscript", "looks_like_json", "parse_json_transcript"]
MAX_DEPTH = 64


def looks_like_json(text: str) -> bool:
    """An object, or a list of objects; `[00:00:01] Kari: ...` is a transcript line, not JSON."""
    head = text.lstrip("\ufeff \t\r\n")[:64]
    return head.startswith("{") or (head.startswith("[") and head[1:].lstrip()[:1] in ("{", "[", "]", '"'))


def _depth_ok(text: str) -> bool:
    """Nesting depth by brackets outside strings, before json.loads can hit the recursion limit."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return False
        elif char in "]}":
            depth -= 1
    return True


def parse_json_transcript(text: str) -> JsonTranscript:
    if not _depth_ok(text):
        raise IngestError(f"a JSON file nested more than {MAX_DEPTH} levels deep; not a transcript we read")
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except ValueError as exc:
        raise IngestError(f"broken JSON file: {exc}") from None
    for module in (whisper, assemblyai, deepgram, aws, fireflies):
        if module.matches(data):
            found = module.parse(data)
            if not any(t.text.strip() for t in found.turns):
                raise IngestError(f"a {found.tool} JSON file, but it holds no words")
            return found
    keys = ", ".join(sorted(map(str, data))[:12]) if isinstance(data, dict) else f"a list of {len(data)} items"
    raise IngestError(f"a JSON file, but not a transcript format we read (keys: {keys}); we read Whisper, "
                      "WhisperX, AssemblyAI, Deepgram, AWS Transcribe and Fireflies JSON")
