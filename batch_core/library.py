"""The public functions over stored meetings (re-exported by batch_core/__init__.py): read, list,
count, delete, find duplicates, record downloads, read the access audit.

Every function takes the acting `principal` (None: the local operator, see access/principals.py).
A meeting of a tier the principal may not read is treated as absent, never as "forbidden", and
every access to a sensitive meeting is written to the audit (access/audit.py).
"""
from __future__ import annotations

from typing import Any, Iterable

from batch_core import store
from batch_core.access import Principal, acting, require_admin, require_process
from batch_core.access import audit
from batch_core.errors import BatchError
from batch_core.minutes import minutes_json, minutes_markdown, minutes_zip
from batch_core.models import Tier
from batch_core.speakers import apply_names, clean_name
from batch_core.store import normalise_title
from batch_core.validation import check_meeting_id

DOWNLOAD_FORMATS = ("json", "markdown", "csv")


def _readable_record(meeting_id: str, principal: Principal) -> dict[str, Any] | None:
    """The record as stored, with the speaker names users gave applied."""
    record = store.load_record(check_meeting_id(meeting_id))
    if record is None or not principal.may_read(record.get("tier", Tier.SENSITIVE.value)):
        return None
    return apply_names(record, store.speaker_names(record["tier"], meeting_id))


def rename_speakers(meeting_id: str, names: dict[str, str], principal: Principal | None = None) -> dict[str, Any]:
    """Name (or merge) the speakers of one meeting: {"Speaker 1": "Kari Nordmann", ...}; an
    empty name takes a label's name back. Insights, sentiment, the board and exports follow.
    Needs the role that may process the meeting's tier; for the sensitive tier the names are
    sealed at rest and the change is audited (without the names)."""
    who = acting(principal)
    record = store.load_record(check_meeting_id(meeting_id))
    if record is None or not who.may_read(record.get("tier", Tier.SENSITIVE.value)):
        raise BatchError(f"No stored meeting {meeting_id!r}.")
    require_process(who, record["tier"])
    labels = set(record.get("speakers") or [])
    unknown = sorted(set(names) - labels)
    if unknown:
        raise BatchError(f"{unknown[0]!r} is not a speaker of this meeting (its speakers: "
                         f"{', '.join(sorted(labels))}).")
    current = store.speaker_names(record["tier"], meeting_id)
    for label, name in names.items():
        cleaned = clean_name(name)
        if cleaned and cleaned != label:
            current[label] = cleaned
        else:
            current.pop(label, None)
    store.save_speaker_names(record["tier"], meeting_id, current)
    if record["tier"] == Tier.SENSITIVE.value:
        audit.record(who, "update", meeting_id=meeting_id, batch_id=str(record.get("batch_id") or ""),
                     detail=f"{len(current)} speaker name(s) set")
    return apply_names(record, current)


def get_meeting(meeting_id: str, principal: Principal | None = None,
                access: str = "view") -> dict[str, Any] | None:
    """A MeetingRecord as dict; None if unknown or not readable by the principal. `access` is what
    the audit records for a sensitive meeting ("view", or "download" for exports)."""
    who = acting(principal)
    record = _readable_record(meeting_id, who)
    if record is not None and record.get("tier") == Tier.SENSITIVE.value:
        audit.record(who, "download" if access == "download" else "view", meeting_id=meeting_id,
                     batch_id=str(record.get("batch_id") or ""))
    return record


def record_download(meeting_id: str, fmt: str, principal: Principal | None = None) -> None:
    """The dashboard's download buttons call this when clicked (the bytes never pass back here)."""
    who = acting(principal)
    record = _readable_record(meeting_id, who)
    if record is not None and record.get("tier") == Tier.SENSITIVE.value:
        audit.record(who, "download", meeting_id=meeting_id,
                     batch_id=str(record.get("batch_id") or ""), detail=fmt)


def meeting_minutes(meeting_id: str, fmt: str = "markdown", principal: Principal | None = None) -> str | None:
    """The meeting's minutes as Markdown or JSON text; None if absent for the principal. A
    sensitive meeting's minutes are audited as a download."""
    if fmt not in ("markdown", "json"):
        raise BatchError(f"minutes come as 'markdown' or 'json' (got {fmt!r}).")
    record = get_meeting(meeting_id, principal, access="download")
    if record is None:
        return None
    return minutes_markdown(record) if fmt == "markdown" else minutes_json(record)


def batch_minutes(meeting_ids: Iterable[str], principal: Principal | None = None) -> bytes:
    """A zip of the minutes (Markdown + JSON) of the given meetings the principal may read."""
    who = acting(principal)
    records = [r for r in (get_meeting(m, who, access="download") for m in meeting_ids) if r]
    return minutes_zip(records)


def tiers_for(tier: str | Tier | None, principal: Principal) -> list[Tier]:
    """The tiers asked for, narrowed to those the principal may read."""
    if tier in (None, ""):
        return principal.readable_tiers()
    try:
        wanted = Tier(getattr(tier, "value", tier))
    except ValueError:
        raise BatchError(f"tier must be one of {', '.join(t.value for t in Tier)} "
                         f"(got {tier!r}).") from None
    return [wanted] if principal.may_read(wanted) else []


def list_meetings(tier: str | Tier | None = None, search: str | None = None,
                  limit: int = 200, principal: Principal | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Processed meetings (summaries) the principal may read, newest first, from the `offset`-th
    on; search matches title or file name (a sensitive meeting's are stored redacted). Without a
    search only the page asked for is read."""
    needle = (search or "").casefold().strip()

    def keep(record: dict[str, Any]) -> bool:
        haystack = f"{record.get('title', '')} {record.get('source_name') or ''}".casefold()
        return needle in haystack

    tiers = tiers_for(tier, acting(principal))
    if not tiers:
        return []
    return store.recent_summaries(tiers, limit, keep if needle else None, offset=max(0, offset))


def count_meetings(tier: str | Tier | None = None, principal: Principal | None = None) -> dict[str, int]:
    """Stored meetings per tier the principal may read ({"ordinary": n, "sensitive": m}), by the
    index; a tier they may not read is left out, not counted as 0."""
    tiers = tiers_for(tier, acting(principal))
    return store.count_records(tiers) if tiers else {}


def delete_meeting(meeting_id: str, principal: Principal | None = None) -> bool:
    """Admins only. False when there is no such meeting (or none the principal could see)."""
    who = acting(principal)
    require_admin(who, "delete meetings")
    record = _readable_record(meeting_id, who)
    if record is None:
        return False
    deleted = store.delete_record(meeting_id)
    if deleted and record.get("tier") == Tier.SENSITIVE.value:
        audit.record(who, "delete", meeting_id=meeting_id, batch_id=str(record.get("batch_id") or ""))
    return deleted


def find_duplicates(titles_and_tiers: Iterable[tuple[str, str] | dict[str, Any]],
                    principal: Principal | None = None) -> dict[tuple[str, str], str]:
    """(normalise_title(title), tier) -> newest stored meeting_id, for upload previews; only in
    tiers the principal may read."""
    who = acting(principal)
    found: dict[tuple[str, str], str] = {}
    for item in titles_and_tiers:
        title, tier = (item["title"], item["tier"]) if isinstance(item, dict) else item
        tiers = tiers_for(tier, who)
        if not tiers:
            continue
        key = (normalise_title(title), tiers[0].value)
        if key in found or not key[0]:
            continue
        ids = store.ids_with_title(key[1], title)
        if ids:
            found[key] = ids[-1]
    return found


def content_duplicates(items: Iterable[tuple[str, str]], principal: Principal | None = None
                       ) -> list[dict[str, Any]]:
    """For upload previews: for each (transcript, tier), the newest stored meeting with the same
    content ("stored", in tiers the principal may read) and the first earlier item with the same
    content ("item", its position), or None. Content = what was said, with case, spacing and
    timestamps folded, so a UTF-16 copy or a .vtt of the same .txt is found."""
    who = acting(principal)
    seen: dict[tuple[str, str], int] = {}
    answers: list[dict[str, Any]] = []
    for position, (transcript, tier) in enumerate(items):
        tiers = tiers_for(tier, who)
        if not tiers:
            answers.append({"stored": None, "item": None})
            continue
        digest = store.content_digest(tiers[0].value, transcript)
        stored = store.ids_with_content_digest(tiers[0].value, digest)
        answers.append({"stored": stored[-1] if stored else None, "item": seen.get((tiers[0].value, digest))})
        seen.setdefault((tiers[0].value, digest), position)
    return answers


def audit_log(limit: int = 200, meeting_id: str | None = None,
              principal: Principal | None = None) -> list[dict[str, Any]]:
    """The access audit, newest first (admins only)."""
    require_admin(acting(principal), "read the access audit")
    if meeting_id is not None:
        check_meeting_id(meeting_id)
    return store.read_audit(max(1, min(int(limit), 5000)), meeting_id)
