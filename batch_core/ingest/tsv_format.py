"""Whisper's .tsv output: a `start<TAB>end<TAB>text` header, then one row per segment (milliseconds)."""
from __future__ import annotations

import csv
import io

from batch_core.ingest.errors import IngestError
from batch_core.ingest.turns import clean_text, merge_turns
from batch_core.models import Turn


def looks_like_whisper_tsv(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
    return first.split("\t")[:3] == ["start", "end", "text"]


def parse_whisper_tsv(text: str) -> list[Turn]:
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(rows, None)
    turns = []
    for row in rows:
        if len(row) < 3:
            continue
        try:
            start, end = int(row[0]) / 1000, int(row[1]) / 1000
        except ValueError:
            raise IngestError(f"a Whisper TSV row has times that are not milliseconds: {row[0][:20]!r}") from None
        turns.append(Turn(speaker=None, text=clean_text("\t".join(row[2:])), start=start, end=end))
    if not any(t.text for t in turns):
        raise IngestError("a Whisper TSV file with no words")
    return merge_turns(turns)
