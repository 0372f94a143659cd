"""Plain-text transcripts to speaker turns.

Understood layouts (mixed freely):
  `[hh:mm:ss] Speaker: text`, `hh:mm:ss Speaker: text`, `Speaker: text`,
  Otter / Teams-docx headers `Speaker Name  M:SS` (Zoom .txt: `[Speaker Name] hh:mm:ss`)
  with the text on the lines below,
  a lone `Speaker:` line with the text below, a lone timestamp line before a turn,
  `0:0:3.4 --> 0:0:5.6` timing lines followed by a bare name line (older Teams .docx),
  `**Name** (00:00:00)` headers and `Name (00:01): text` lines (tl;dv, Fireflies Markdown),
  `00:00:01<TAB>Name<TAB>text` columns (Zoom .txt saved as a table),
  and unstructured prose (one turn, speaker None).
Pasted WebVTT or SRT is recognised and handed to those parsers.
"""
from __future__ import annotations

import re

from batch_core.models import Turn
from batch_core.ingest.errors import IngestError
from batch_core.ingest.inline import unfold_inline_turns
from batch_core.ingest.speakers import looks_capitalised, plausible_name, split_prefix
from batch_core.ingest.srt_format import parse_srt
from batch_core.ingest.timecode import CLOCK, LOOSE_CLOCK, parse_clock
from batch_core.ingest.turns import merge_turns, squash
from batch_core.ingest.vtt import parse_vtt

# Header keys that describe the meeting rather than being said in it (only at the top).
METADATA_KEYS = {
    "meeting", "title", "subject", "date", "time", "attendees", "participants", "present",
    "location", "agenda", "recorded", "duration", "transcript",
}

_BRACKETED = re.compile(rf"^[\[(](?P<time>{CLOCK})[\])]\s*(?:[-–—|]\s*)?(?P<rest>.*)$")
_BARE_TIME = re.compile(rf"^(?P<time>{CLOCK})\s+(?:[-–—|]\s*)?(?P<rest>\S.*)$")
_TIME_ONLY = re.compile(rf"^[\[(]?(?P<time>{CLOCK})[\])]?$")
_ARROW = re.compile(rf"^(?P<start>{LOOSE_CLOCK}|{CLOCK})\s*-->\s*(?P<end>{LOOSE_CLOCK}|{CLOCK})")
_HEADER = re.compile(rf"^(?P<name>\S.*?)(?P<gap>\s+)(?P<time>{CLOCK})$")
# tl;dv and others: `**Kari Nordmann** (00:00:00)` alone on a line (Markdown already unstarred).
_HEADER_IN_BRACKETS = re.compile(rf"^\**(?P<name>[^*()\[\]]{{1,100}}?)\**[ \t]{{0,3}}[\[(](?P<time>{CLOCK})[\])][ \t]{{0,3}}$")
# `Kari Nordmann (00:01): text`
_NAME_TIME_TEXT = re.compile(rf"^(?P<name>[^():\[\]]{{1,100}}?)[ \t]{{0,3}}[\[(](?P<time>{CLOCK})[\])][ \t]{{0,3}}:[ \t]*(?P<rest>\S.*)$")
# Zoom .txt saved as columns: `00:00:01<TAB>Kari Nordmann<TAB>text`
_TAB_COLUMNS = re.compile(rf"^(?P<time>{CLOCK})\t(?P<name>[^\t]{{1,100}})\t(?P<rest>.*)$")
_MAX_HEADER_CHARS = 100
_SRT_START = re.compile(r"^\d+[ \t]*\n[ \t]*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}[ \t]*-->")


def normalise_newlines(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def looks_like_vtt(text: str) -> bool:
    return text.lstrip().startswith("WEBVTT")


def looks_like_srt(text: str) -> bool:
    return bool(_SRT_START.match(text.lstrip()))


def parse_text(text: str) -> list[Turn]:
    """Speaker turns of a transcript given as text; consecutive turns of one speaker merged."""
    text = normalise_newlines(text)
    if looks_like_vtt(text) or looks_like_srt(text):
        try:
            return parse_vtt(text) if looks_like_vtt(text) else parse_srt(text)
        except IngestError:
            # Not usable captions after all: read the words as text, without the WEBVTT line.
            if looks_like_vtt(text):
                text = text.lstrip().partition("\n")[2]
    return parse_plain(text)


def split_metadata(lines: list[str]) -> tuple[dict[str, str], int]:
    """`Meeting:`/`Date:`-style header lines at the top -> ({key: value}, index of first body line)."""
    found: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            index += 1
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or key not in METADATA_KEYS:
            break
        found.setdefault(key, value.strip())
        index += 1
    return found, index


def _header_match(line: str) -> tuple[str, float | None] | None:
    """`Alice Smith  0:03` -> ("Alice Smith", 3.0)."""
    if len(line) > _MAX_HEADER_CHARS:
        return None
    bracketed = _HEADER_IN_BRACKETS.match(line)
    if bracketed and plausible_name(bracketed.group("name").strip()):
        return bracketed.group("name").strip(), parse_clock(bracketed.group("time"))
    match = _HEADER.match(line)
    if not match:
        return None
    name = match.group("name").strip().rstrip("-–—|").strip()
    wide_gap = len(match.group("gap")) >= 2 or "\t" in match.group("gap")
    if name.startswith("[") and name.endswith("]"):  # Zoom .txt: `[Alice Smith] 10:02:15`
        name, wide_gap = name[1:-1].strip(), True
    if not plausible_name(name) or not (wide_gap or looks_capitalised(name)):
        return None
    return name, parse_clock(match.group("time"))


class _TurnCollector:
    """Accumulates raw turns line by line.

    Counts turns opened by a bare `Name: text` prefix (`loose`) apart from those opened with a
    timestamp or a header line, which are never mistaken for prose.
    """

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self.texts: list[list[str]] = []  # joined once at the end: no quadratic concatenation
        self.loose = 0
        self.anchored = 0
        self.pending_start: float | None = None
        self.pending_end: float | None = None

    def open(self, speaker: str | None, text: str = "", start: float | None = None,
             anchored: bool = True) -> None:
        if start is None:
            start = self.pending_start
        end = self.pending_end if start == self.pending_start else None
        self.pending_start = self.pending_end = None
        if speaker is not None:
            self.anchored += anchored
            self.loose += not anchored
        self.turns.append(Turn.model_construct(speaker=speaker, text="", start=start, end=end))
        self.texts.append([text])

    def add(self, text: str) -> None:
        if not self.turns or self.pending_start is not None:
            self.open(None, text)
        else:
            self.texts[-1].append(text)

    def finished(self) -> list[Turn]:
        for turn, texts in zip(self.turns, self.texts):
            turn.text = " ".join(texts)
        return self.turns


def _read_line(line: str, lines: list[str], index: int, out: _TurnCollector) -> int:
    """Consume `lines[index]`; return how many extra lines were consumed as well."""
    if (match := _ARROW.match(line)):
        out.pending_start = parse_clock(match.group("start"))
        out.pending_end = parse_clock(match.group("end"))
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if following and plausible_name(following) and looks_capitalised(following) \
                and index + 2 < len(lines) and lines[index + 2].strip():
            out.open(following)
            return 1
        return 0
    if (match := _TIME_ONLY.match(line)):
        out.pending_start = parse_clock(match.group("time"))
        return 0
    if (header := _header_match(line)):
        out.open(header[0], start=header[1])
        return 0
    # Bounded: the name part is at most 100 characters, so no line can make these backtrack far.
    columns = _TAB_COLUMNS.match(lines[index].rstrip("\n")) or _NAME_TIME_TEXT.match(line[:400])
    if columns and plausible_name(columns.group("name").strip()):
        out.open(columns.group("name").strip(), columns.group("rest").strip(), start=parse_clock(columns.group("time")))
        return 0
    timed = _BRACKETED.match(line)
    if timed is None and (bare := _BARE_TIME.match(line)) and split_prefix(bare.group("rest")):
        timed = bare
    if timed:
        start, rest = parse_clock(timed.group("time")), timed.group("rest")
        labelled = split_prefix(rest)
        speaker, text = labelled if labelled else (None, rest)
        out.open(speaker, text, start=start)
        return 0
    if (labelled := split_prefix(line)):
        out.open(*labelled, anchored=out.pending_start is not None)
        return 0
    out.add(line)
    return 0


def starts_turn(line: str) -> bool:
    """True when the line opens a speaker turn (used to find where a document's preamble ends)."""
    line = line.strip()
    if _ARROW.match(line) or _header_match(line) or _BRACKETED.match(line):
        return True
    if (bare := _BARE_TIME.match(line)) and split_prefix(bare.group("rest")):
        return True
    labelled = split_prefix(line)
    return labelled is not None and labelled[0].lower() not in METADATA_KEYS


def parse_plain(text: str) -> list[Turn]:
    lines = unfold_inline_turns(normalise_newlines(text).split("\n"))
    _, first = split_metadata(lines)
    out = _TurnCollector()
    index = first
    while index < len(lines):
        line = lines[index].strip()
        if line:
            index += _read_line(line, lines, index, out)
        index += 1
    turns = out.finished()
    speakers = {t.speaker for t in turns if t.speaker}
    body_lines = sum(1 for line in lines[first:] if line.strip())
    # One stray "Note: ..." line in prose is not a dialogue (a timed or header turn always is).
    if len(speakers) == 1 and not out.anchored and out.loose * 10 < body_lines * 3:
        return _as_prose(lines[first:])
    return merge_turns(turns)


def _as_prose(lines: list[str]) -> list[Turn]:
    body = squash(" ".join(lines))
    return [Turn(speaker=None, text=body)] if body else []
