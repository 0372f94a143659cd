"""Turning API values into short, readable text: durations, times, statuses, safe markdown."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from batch_core.models import BatchState, MeetingState

STATUS_ICONS: dict[str, str] = {
    MeetingState.QUEUED.value: "⚪",
    MeetingState.PROCESSING.value: "🔵",
    MeetingState.COMPLETED.value: "🟢",
    MeetingState.FAILED.value: "🔴",
    MeetingState.SKIPPED.value: "🟠",
    MeetingState.CANCELED.value: "⚫",
    BatchState.PARTIAL.value: "🟣",
}

# Background colours for status cells in tables (pale so black text stays readable).
STATUS_COLOURS: dict[str, str] = {
    MeetingState.QUEUED.value: "#eceff1",
    MeetingState.PROCESSING.value: "#dbeafe",
    MeetingState.COMPLETED.value: "#dcfce7",
    MeetingState.FAILED.value: "#fee2e2",
    MeetingState.SKIPPED.value: "#ffedd5",
    MeetingState.CANCELED.value: "#e5e7eb",
    BatchState.PARTIAL.value: "#ede9fe",
}

# Colour names accepted by st.badge.
BADGE_COLOURS: dict[str, str] = {
    MeetingState.QUEUED.value: "gray",
    MeetingState.PROCESSING.value: "blue",
    MeetingState.COMPLETED.value: "green",
    MeetingState.FAILED.value: "red",
    MeetingState.SKIPPED.value: "orange",
    MeetingState.CANCELED.value: "gray",
    BatchState.PARTIAL.value: "violet",
}

# Everything CommonMark or Streamlit's markdown extensions could read as syntax:
# emphasis, links, headings, tables, HTML, LaTeX ($), colour directives (:red[...]).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def status_value(status: object) -> str:
    """The plain string of a status that may arrive as an Enum or a str."""
    return str(getattr(status, "value", status) or "")


def status_chip(status: object) -> str:
    """'🟢 completed': an icon plus the word, so colour is never the only signal."""
    value = status_value(status)
    return f"{STATUS_ICONS.get(value, '❔')} {value}" if value else ""


def status_from_chip(chip: str) -> str:
    """Inverse of status_chip, for styling cells of an already formatted table."""
    return chip.split(" ", 1)[-1] if chip else ""


def escape_markdown(text: object) -> str:
    """User text (titles, file names) shown through st.markdown must never become markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text if text is not None else ""))


def code_span(text: object) -> str:
    """Markdown inline code: shown literally, so ids with ':' or '-' need no escaping."""
    return "`" + str(text).replace("`", "'") + "`"


def fmt_ms(ms: float | None) -> str:
    if ms is None:
        return "—"
    return fmt_seconds(ms / 1000.0)


def fmt_seconds(seconds: float | None) -> str:
    """Short human duration: '850 ms', '4.2 s', '3 min 05 s', '1 h 02 min'."""
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def fmt_clock(seconds: float | None) -> str:
    """Meeting length as a clock: '47:12' or '1:02:03'."""
    if seconds is None:
        return "—"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def parse_time(value: object) -> datetime | None:
    """ISO-8601 text or epoch seconds -> aware UTC datetime; None when missing or unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    text = str(value).strip()
    try:
        return datetime.fromtimestamp(float(text), tz=timezone.utc)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def fmt_time(value: object) -> str:
    """'2026-11-29 16:40:05 UTC', or '—'."""
    parsed = parse_time(value)
    return parsed.strftime("%Y-%m-%d %H:%M:%S UTC") if parsed else "—"


def fmt_ago(value: object, now: datetime | None = None) -> str:
    """'just now', '5 min ago', '3 h ago', '2 d ago'."""
    parsed = parse_time(value)
    if parsed is None:
        return "—"
    seconds = ((now or datetime.now(timezone.utc)) - parsed).total_seconds()
    if seconds < 45:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60) or 1} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def elapsed_seconds(start: object, end: object = None, now: datetime | None = None) -> float | None:
    """Seconds from start to end (or to now while still running)."""
    started = parse_time(start)
    if started is None:
        return None
    finished = parse_time(end) or now or datetime.now(timezone.utc)
    return max(0.0, (finished - started).total_seconds())


def short_error(error: str | None, limit: int = 90) -> str:
    """First line of an error, cut to fit a table cell; the full text goes in an expander."""
    if not error:
        return ""
    first = error.strip().splitlines()[0] if error.strip() else ""
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural_word or word + 's')}"


_PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>|\bSPEAKER_\d+\b")


def highlight_placeholders(text: str) -> str:
    """A redacted transcript as Markdown: placeholders highlighted, everything else literal."""
    parts, cursor = [], 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(escape_markdown(text[cursor:match.start()]))
        shown = match.group().replace("<", "&lt;").replace(">", "&gt;")
        parts.append(f":orange-background[{shown}]")
        cursor = match.end()
    parts.append(escape_markdown(text[cursor:]))
    return "".join(parts).replace("\n", "  \n")

