"""The upload preview: IngestReport -> editable rows -> meetings ready for submit()."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import pandas as pd

from batch_core import normalise_title
from ui.format import fmt_clock

CHECK_OK = "ok"
CHECK_TOO_SHORT = "too short"
CHECK_UNREADABLE = "unreadable"
CHECK_DUPLICATE = "duplicate of an existing meeting"
CHECK_DUPLICATE_IN_UPLOAD = "duplicate of another file in this upload"
CHECK_SAME_CONTENT = "same content as"
CHECK_IGNORED = "ignored archive member"

PREVIEW_COLUMNS = ["Include", "File", "Format", "Title", "Tier", "Date", "Speakers", "Duration", "Words", "Check"]


@dataclass
class Preview:
    """Editable rows (indexed by row key) plus the parsed files they stand for."""
    frame: pd.DataFrame
    parsed: dict[str, Any] = field(default_factory=dict)  # row key -> ParsedFile


def _field(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def _enum_text(value: Any) -> str:
    return str(getattr(value, "value", value) or "")


def _speakers_text(speakers: Any) -> str:
    if not speakers:
        return "—"
    names = [str(s) for s in speakers] if isinstance(speakers, (list, tuple)) else [str(speakers)]
    shown = ", ".join(names[:3])
    return shown + (f" (+{len(names) - 3})" if len(names) > 3 else "")


def build_preview(report: Any, tier: str, min_words: int,
                  existing_duplicate: Callable[[str, str], str | None],
                  title_overrides: dict[str, str] | None = None,
                  content_matches: list[dict] | None = None) -> Preview:
    """One row per parsed file, failed file and ignored archive member.

    existing_duplicate(title, tier) returns the id of a stored meeting with that title, or None;
    content_matches (batch_core.content_duplicates, one per parsed file) says which stored
    meeting or earlier file has the same content.
    """
    rows: list[dict] = []
    keys: list[str] = []
    parsed_by_key: dict[str, Any] = {}
    seen_titles: dict[str, str] = {}
    overrides = title_overrides or {}

    for number, parsed in enumerate(_field(report, "parsed", []) or []):
        key = f"p{number}"
        name = str(_field(parsed, "name", ""))
        title = overrides.get(name) or str(_field(parsed, "title", "") or name)
        words = int(_field(parsed, "word_count", 0) or 0)
        check = CHECK_OK
        include = True
        existing = existing_duplicate(title, tier)
        if words < min_words:
            check = f"{CHECK_TOO_SHORT} ({words} words; the minimum is {min_words})"
            include = False
        elif existing:
            check = f"{CHECK_DUPLICATE} ({existing})"
        elif normalise_title(title) in seen_titles:
            check = f"{CHECK_DUPLICATE_IN_UPLOAD} ({seen_titles[normalise_title(title)]})"
        elif content_matches and number < len(content_matches) and any(
                value is not None for value in content_matches[number].values()):
            match = content_matches[number]
            earlier = match.get("item")
            where = (f"stored meeting {match['stored']}" if match.get("stored") else
                     str(_field(report.parsed[earlier], "name", "")) if isinstance(earlier, int) else "?")
            check = f"{CHECK_SAME_CONTENT} {where}"
        warnings = _field(parsed, "warnings") or []
        if warnings and check == CHECK_OK:
            check = f"{CHECK_OK} (note: {'; '.join(str(w) for w in warnings)})"
        seen_titles.setdefault(normalise_title(title), name)
        rows.append({
            "Include": include, "Tier": tier, "File": name, "Format": _enum_text(_field(parsed, "format")) or "?",
            "Title": title, "Date": str(_field(parsed, "meeting_date", "") or ""),
            "Speakers": _speakers_text(_field(parsed, "speakers")),
            "Duration": fmt_clock(_field(parsed, "duration_seconds")),
            "Words": words, "Check": check,
        })
        keys.append(key)
        parsed_by_key[key] = parsed

    for number, error in enumerate(_field(report, "errors", []) or []):
        rows.append(_unusable_row(error, f"{CHECK_UNREADABLE}: {_field(error, 'reason', 'unknown reason')}"))
        keys.append(f"e{number}")
    for number, member in enumerate(_field(report, "ignored", []) or []):
        reason = _field(member, "reason", "")
        rows.append(_unusable_row(member, f"{CHECK_IGNORED}" + (f": {reason}" if reason else "")))
        keys.append(f"i{number}")

    frame = pd.DataFrame.from_records(rows, columns=PREVIEW_COLUMNS, index=pd.Index(keys, dtype="object"))
    frame["Words"] = frame["Words"].astype("int64")
    frame["Include"] = frame["Include"].astype(bool)
    return Preview(frame=frame, parsed=parsed_by_key)


def _unusable_row(item: Any, check: str) -> dict:
    name = str(_field(item, "name", "") or "")
    return {"Include": False, "File": name, "Format": "—", "Title": "", "Tier": "", "Date": "",
            "Speakers": "—", "Duration": "—", "Words": 0, "Check": check}


@dataclass
class Selection:
    meetings: list[dict]
    notes: list[str]


def selected_meetings(edited: pd.DataFrame, parsed: dict[str, Any], tier: str) -> Selection:
    """Ticked, usable rows as MeetingIn dicts (edited titles win); notes say what was left out."""
    meetings: list[dict] = []
    notes: list[str] = []
    for key, row in edited.iterrows():
        if not bool(row.get("Include")):
            continue
        item = parsed.get(str(key))
        if item is None:
            notes.append(f"{row.get('File')}: cannot be processed ({row.get('Check')}).")
            continue
        title = " ".join(str(row.get("Title") or "").split())
        if not title:
            notes.append(f"{row.get('File')}: left out because its title is empty.")
            continue
        meetings.append({
            "title": title,
            "tier": str(row.get("Tier") or tier),
            "transcript": str(_field(item, "text", "")),
            "meeting_date": _field(item, "meeting_date") or None,
            "source_name": str(_field(item, "name", "")) or None,
        })
    return Selection(meetings=meetings, notes=notes)


def with_choices(frame: pd.DataFrame, include: bool | None, edits: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """The preview with the user's earlier title and tier edits (by row key) and, for select
    all/none, every readable row ticked or unticked."""
    frame = frame.copy()
    for key, changes in edits.items():
        for column in ("Title", "Tier"):
            if key in frame.index and column in changes:
                frame.loc[key, column] = changes[column]
    if include is not None:
        usable = frame["Format"] != "—"
        frame.loc[usable, "Include"] = include
    return frame


def split_into_batches(meetings: list[dict], limit: int) -> list[list[dict]]:
    """Consecutive chunks of at most `limit` meetings."""
    if limit <= 0:
        raise ValueError("the batch limit must be a positive number")
    return [meetings[start:start + limit] for start in range(0, len(meetings), limit)]


def upload_signature(files: Iterable[Any]) -> tuple:
    """Identity of the current uploader contents, to know when to parse again."""
    return tuple((getattr(f, "file_id", None), f.name, getattr(f, "size", None)) for f in files)


MODE_HELP = {
    "live": "Sent now at the list price; results within minutes.",
    "economy": "One provider batch at half the price; results within 24 h (usually far sooner).",
}
def economy_words(cost: float | None, price_factor: float) -> str:
    """The trade-off of economy mode, with the estimated saving when the model has a price."""
    saving = (f"saves about ${cost * (1 - price_factor):.2f} of the estimate" if cost
              else f"costs {price_factor:.0%} of the list price")
    return (f"Economy mode {saving}. Meetings are parsed and redacted here, then wait in one provider "
            "batch; you can close the browser, any app process collects the results.")


def estimate_words(meetings: list[dict], limit: int, estimate: Callable[[list[dict]], dict]
                   ) -> tuple[str, float | None] | None:
    """One line on what sending the selection would cost (summed over batches of `limit`), and
    that cost in USD (None without a price)."""
    if not meetings:
        return None
    parts = [estimate(chunk) for chunk in split_into_batches(meetings, limit)]
    first = parts[0]
    if first["provider"] == "local":
        return "Local provider: nothing is sent to a model, no tokens, no cost.", None
    calls = sum(p["calls"] for p in parts)
    tokens_in = sum(p["input_tokens"] for p in parts)
    tokens_out = sum(p["output_tokens"] for p in parts)
    costs = [p["cost_usd"] for p in parts]
    cost = (f"about ${sum(costs):.2f} at {first['prices_as_of']} list prices" if None not in costs
            else "no known price for this model (LLM_PRICES sets one)")
    return (f"Estimate for {first['provider']} / {first['model']}: {calls} calls, ~{tokens_in:,} input and "
            f"~{tokens_out:,} output tokens, {cost}. Long meetings go in parts of a "
            f"{first['context_tokens']:,}-token context.", (sum(costs) if None not in costs else None))
