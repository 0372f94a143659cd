"""SubRip (.srt) to speaker turns with the `srt` library; `Speaker: text` payloads give speakers."""
from __future__ import annotations

import srt

from batch_core.models import Turn
from batch_core.ingest.errors import IngestError
from batch_core.ingest.speakers import split_prefix
from batch_core.ingest.turns import clean_text, merge_turns


def parse_srt(text: str) -> list[Turn]:
    try:
        subtitles = sorted(srt.parse(text.lstrip("\ufeff"), ignore_errors=True), key=lambda s: s.start)
    except srt.SRTParseException as exc:
        raise IngestError(f"broken SRT file: {exc}") from None
    if not subtitles:
        raise IngestError("not an SRT file (no numbered subtitles with timings found)")
    turns = []
    for sub in subtitles:
        body = clean_text(sub.content.lstrip("-– "))
        speaker = None
        if (labelled := split_prefix(body)):
            speaker, body = labelled
        turns.append(Turn(speaker=speaker, text=body,
                          start=sub.start.total_seconds(), end=sub.end.total_seconds()))
    if not any(t.text for t in turns):
        raise IngestError("SRT file has subtitles but no words")
    return merge_turns(turns)
