"""Meeting titles and dates: from a file's own metadata when present, else from its name."""
from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as date_parser

_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_LEADING_DATE = re.compile(r"^(?P<y>(?:19|20)\d{2})[-_. ]?(?P<m>\d{2})[-_. ]?(?P<d>\d{2})(?=$|[^0-9])")
# Zoom names recordings `GMT20250218-100000_Recording`: a date, then a time of day.
_ZOOM_STAMP = re.compile(r"^GMT(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})[-_]\d{6}")
_ISO_DATE_ANYWHERE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_SEPARATORS = re.compile(r"[_.\-\s]+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
UNTITLED = "Untitled meeting"


def _valid_date(match: re.Match | None) -> str | None:
    if not match:
        return None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return None


def title_from_name(name: str) -> tuple[str, str | None]:
    """`2025-02-18_Q3-planning.vtt` -> ("Q3 planning", "2025-02-18").

    `name` is the file's own name (no folders): a `/` in it is kept as text.
    """
    stem = _EXTENSION.sub("", name)
    date = None
    match = _ZOOM_STAMP.match(stem) or _LEADING_DATE.match(stem)
    if match and (date := _valid_date(match)):
        stem = stem[match.end():]
    else:
        found = _ISO_DATE_ANYWHERE.search(stem)
        if found and (date := _valid_date(found)):
            stem = stem[:found.start()] + " " + stem[found.end():]
    title = _SEPARATORS.sub(" ", stem).strip(" ,;:")[:200].strip()
    if not title:
        title = f"Meeting {date}" if date else UNTITLED
    return title, date


def normalise_date(value: object) -> str | None:
    """An ISO `YYYY-MM-DD` for a date, datetime or date-like text with a year; else None."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip() or len(value) > 80:
        return None
    text = value.strip()
    if (iso := _valid_date(_LEADING_DATE.match(text))):
        return iso
    if not _YEAR.search(text):
        return None  # "Tuesday 10am" would otherwise become today's date
    try:
        # Parsed against two defaults: a day or month that was not in the text shows up as a difference.
        first = date_parser.parse(text, fuzzy=True, dayfirst=True, default=dt.datetime(2000, 1, 1))
        second = date_parser.parse(text, fuzzy=True, dayfirst=True, default=dt.datetime(2000, 2, 2))
    except (ValueError, OverflowError):
        return None
    return first.date().isoformat() if first.date() == second.date() else None


def clean_title(value: object) -> str | None:
    """A one-line title from metadata, or None when it is blank."""
    if value is None:
        return None
    title = " ".join(str(value).split())[:200]
    return title or None


def from_metadata(meta: dict[str, str]) -> tuple[str | None, str | None]:
    """(title, date) from `Meeting:`/`Title:`/`Subject:` and `Date:` header lines."""
    title = next((clean_title(meta[k]) for k in ("meeting", "title", "subject") if clean_title(meta.get(k))), None)
    return title, normalise_date(meta.get("date"))
