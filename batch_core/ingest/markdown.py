"""Markdown transcripts: optional YAML front matter (`title:`, `date:`), light markup removed."""
from __future__ import annotations

import datetime as dt
import re

import yaml

from batch_core.models import Turn
from batch_core.ingest.text import parse_plain, split_metadata
from batch_core.ingest.titles import clean_title, from_metadata, normalise_date

_FRONT_MATTER = re.compile(r"^---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)", re.S)
_MAX_FRONT_MATTER = 20_000
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.*?)\s*#*\s*$")
_LIST_OR_QUOTE = re.compile(r"^\s*(?:>\s*)+|^\s*(?:[-*+]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?P<inner>[^*_`\n]+?)\1")
# Bracket classes exclude their own opener too, so a line of `[[[[` cannot make the scan quadratic.
_LINK = re.compile(r"!?\[(?P<text>[^\[\]\n]*)\]\([^()\n]*\)")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")


def _front_matter(text: str) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(text)
    if not match or len(match.group("body")) > _MAX_FRONT_MATTER:
        return {}, text
    try:
        meta = yaml.safe_load(match.group("body"))
    except yaml.YAMLError:
        meta = None  # broken front matter: drop the block, keep the transcript
    return (meta if isinstance(meta, dict) else {}), text[match.end():]


def _plain_line(line: str) -> str:
    line = _LIST_OR_QUOTE.sub("", line)
    line = _LINK.sub(lambda m: m.group("text"), line)
    for _ in range(2):  # `**_Alice_**` nests twice
        line = _EMPHASIS.sub(lambda m: m.group("inner"), line)
    return line


def parse_markdown(text: str) -> tuple[list[Turn], str | None, str | None]:
    """(turns, title, meeting_date). Headings are not speech: the first one may be the title."""
    meta, body = _front_matter(text.lstrip("\ufeff"))
    title = clean_title(meta.get("title")) if not isinstance(meta.get("title"), (dict, list)) else None
    raw_date = meta.get("date")
    date = normalise_date(raw_date) if isinstance(raw_date, (str, dt.date)) else None
    lines: list[str] = []
    for line in body.split("\n"):
        if (heading := _HEADING.match(line)):
            title = title or clean_title(_plain_line(heading.group("text")))
            continue
        if not _RULE.match(line):
            lines.append(_plain_line(line))
    header, _ = split_metadata(lines)
    header_title, header_date = from_metadata(header)
    return parse_plain("\n".join(lines)), title or header_title, date or header_date
