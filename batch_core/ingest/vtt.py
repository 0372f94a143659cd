"""WebVTT (Teams, legacy Stream, Zoom, plain captions) to speaker turns, with webvtt-py.

Speakers come from `<v Name>` voice spans (Teams; several per cue allowed, `</v>` optional),
a `1 "Name"` cue id (Webex) or a `Name: text` payload (Zoom). Cues are ordered by start time, not by id, because
Teams ids (`<GUID>/<n>-<m>`) arrive out of order.
"""
from __future__ import annotations

import io
import re

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from batch_core.models import Turn
from batch_core.ingest.errors import IngestError
from batch_core.ingest.speakers import safe_label, split_prefix
from batch_core.ingest.turns import clean_text, merge_turns

# `<v Name>` or `<v.loud Name>`. Classes exclude `.`, `<` and `>` so that no input can make
# the engine backtrack (a hostile cue of 10 MB must still parse in linear time).
_VOICE = re.compile(r"<v(?:\.[^\s<>.]+)*[ \t]+([^<>]*)>")
# Webex puts the speaker in the cue id: `1 "Kari Nordmann"`.
_WEBEX_ID = re.compile(r'^\d+\s+"([^"]{1,100})"\s*$')


def _segments(raw: str) -> list[tuple[str | None, str]]:
    """A cue payload split at voice spans: [(speaker or None, plain text), ...]."""
    pieces = _VOICE.split(raw)
    segments: list[tuple[str | None, str]] = []
    if clean_text(pieces[0]):
        segments.append((None, clean_text(pieces[0])))
    for name, body in zip(pieces[1::2], pieces[2::2]):
        segments.append((safe_label(clean_text(name)), clean_text(body)))
    return segments


def read_captions(text: str) -> list[webvtt.Caption]:
    """Captions in time order; IngestError when the text is not WebVTT or has no cues."""
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith("WEBVTT"):
        raise IngestError("not a WebVTT file (it does not start with WEBVTT)")
    try:
        captions = list(webvtt.from_buffer(io.StringIO(text)).captions)
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise IngestError(f"broken WebVTT file: {exc}") from None
    if not captions:
        raise IngestError("WebVTT file has no captions")
    return sorted(captions, key=lambda c: c.start_time.in_milliseconds())


def parse_vtt(text: str) -> list[Turn]:
    return read_vtt(text)[0]


def read_vtt(text: str) -> tuple[list[Turn], int]:
    """(turns, number of cue blocks that could not be read, e.g. in a file cut short)."""
    turns: list[Turn] = []
    captions = read_captions(text)
    timing_lines = sum(1 for line in text.split("\n") if "-->" in line)
    for caption in captions:
        start = caption.start_time.in_milliseconds() / 1000
        end = caption.end_time.in_milliseconds() / 1000
        cue_speaker = _WEBEX_ID.match(caption.identifier or "")
        for speaker, body in _segments(caption.raw_text):
            if speaker is None and cue_speaker:
                speaker = safe_label(clean_text(cue_speaker.group(1)))
            elif speaker is None and (labelled := split_prefix(body)):
                speaker, body = labelled
            turns.append(Turn(speaker=speaker, text=body, start=start, end=end))
    if not any(t.text for t in turns):
        raise IngestError("WebVTT file has captions but no words")
    return merge_turns(turns), max(timing_lines - len(captions), 0)
