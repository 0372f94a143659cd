"""Submit-time checks: reject malformed batches outright, skip meetings that cannot be processed.

A batch with an impossible shape (no meetings, too many, a meeting without a title or with an
unknown tier) is rejected before anything is stored. A well-formed meeting that cannot or should
not be processed (too short, too long, a duplicate) becomes a `skipped` row with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from pydantic import ValidationError

from batch_core.config import settings
from batch_core.models import DuplicatePolicy, MeetingIn, MeetingRow, MeetingState, QueuedInput, Tier

_TIERS = ", ".join(repr(t.value) for t in Tier)
_POLICIES = ", ".join(repr(p.value) for p in DuplicatePolicy)


class BatchError(ValueError):
    """The submitted batch is invalid; the message names the field or limit in plain words."""


def parse_policy(value: Any) -> DuplicatePolicy:
    try:
        return DuplicatePolicy(getattr(value, "value", value))
    except ValueError:
        raise BatchError(f"on_duplicate must be one of {_POLICIES} (got {value!r}).") from None


def check_count(meetings: Any) -> None:
    if not isinstance(meetings, (list, tuple)):
        raise BatchError("meetings must be a list of meetings.")
    limit = settings().max_meetings
    if not meetings:
        raise BatchError(f"A batch needs at least 1 meeting (and at most {limit}); got 0.")
    if len(meetings) > limit:
        raise BatchError(
            f"A batch can hold at most {limit} meetings (BATCH_MAX_MEETINGS); got {len(meetings)}. "
            "Split it into smaller batches."
        )


def _where(position: int, raw: Any) -> str:
    title = raw.get("title") if isinstance(raw, dict) else getattr(raw, "title", None)
    if isinstance(title, str) and title.strip():
        return f"Meeting {position} ({' '.join(title.split())[:60]!r})"
    return f"Meeting {position}"


def parse_meeting(position: int, raw: Any) -> MeetingIn:
    """One submitted meeting as a MeetingIn, or BatchError naming the field and the position."""
    if isinstance(raw, MeetingIn):
        return raw
    where = _where(position, raw)
    if not isinstance(raw, dict):
        raise BatchError(f"{where}: must be an object with title, tier and transcript.")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BatchError(f"{where}: title is empty; every meeting needs a title.")
    tier = raw.get("tier")
    if getattr(tier, "value", tier) not in {t.value for t in Tier}:
        raise BatchError(f"{where}: tier must be one of {_TIERS} (got {tier!r}).")
    transcript = raw.get("transcript")
    if not isinstance(transcript, str):
        problem = "is missing" if transcript is None else "must be text"
        raise BatchError(f"{where}: transcript {problem}.")
    try:
        return MeetingIn.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "meeting"
        raise BatchError(f"{where}: {name}: {first['msg']}.") from None


def size_problem(meeting: MeetingIn) -> str | None:
    """Why a transcript is too short or too long to process, or None."""
    limits = settings()
    chars = len(meeting.transcript)
    if chars > limits.max_transcript_chars:
        return (f"Transcript too long: {chars:,} characters; the limit is "
                f"{limits.max_transcript_chars:,} (BATCH_MAX_TRANSCRIPT_CHARS).")
    words = len(meeting.transcript.split())
    if words < limits.min_transcript_words:
        plural = "" if words == 1 else "s"
        return (f"Transcript too short: {words} word{plural}; at least "
                f"{limits.min_transcript_words} are needed (BATCH_MIN_TRANSCRIPT_WORDS).")
    return None


@dataclass
class Plan:
    rows: list[MeetingRow]
    items: dict[int, QueuedInput] = field(default_factory=dict)  # queued meetings only


def plan_batch(meetings: list[MeetingIn], policy: DuplicatePolicy,
               meeting_id_for: Callable[[int], str],
               stored_ids: Callable[[MeetingIn], list[str]],
               normalise: Callable[[str], str],
               digest: Callable[[MeetingIn], str],
               shown: Callable[[MeetingIn], tuple[str, str | None]]) -> Plan:
    """Decide each meeting's starting row: queued, or skipped with the reason.

    `shown` gives the title and file name a row may store (redacted for the sensitive tier);
    `digest` the title digest duplicate detection keeps."""
    reasons: dict[int, str] = {}
    for index, meeting in enumerate(meetings):
        problem = size_problem(meeting)
        if problem:
            reasons[index] = problem

    def key(index: int) -> tuple[str, str]:
        return meetings[index].tier.value, normalise(meetings[index].title)

    candidates = [i for i in range(len(meetings)) if i not in reasons]
    if policy is DuplicatePolicy.SKIP:
        first_seen: dict[tuple[str, str], int] = {}
        for index in candidates:
            existing = stored_ids(meetings[index])
            if existing:
                reasons[index] = (f"Duplicate of stored meeting {existing[-1]} (same title and tier); "
                                  "submit with on_duplicate=replace or allow_duplicates to process it.")
            elif key(index) in first_seen:
                earlier = first_seen[key(index)]
                reasons[index] = (f"Duplicate of meeting {earlier + 1} in this batch "
                                  f"({meeting_id_for(earlier)}, same title and tier).")
            else:
                first_seen[key(index)] = index
    elif policy is DuplicatePolicy.REPLACE:
        # The last occurrence wins; processing earlier copies would only be thrown away.
        last_seen: dict[tuple[str, str], int] = {}
        for index in reversed(candidates):
            if key(index) in last_seen:
                later = last_seen[key(index)]
                reasons[index] = (f"Replaced by meeting {later + 1} in this batch "
                                  f"({meeting_id_for(later)}, same title and tier).")
            else:
                last_seen[key(index)] = index

    plan = Plan(rows=[])
    for index, meeting in enumerate(meetings):
        reason = reasons.get(index)
        title, source_name = shown(meeting)
        plan.rows.append(MeetingRow(
            index=index, title=title, tier=meeting.tier,
            status=MeetingState.SKIPPED if reason else MeetingState.QUEUED,
            error=reason, source_name=source_name,
        ))
        if reason is None:
            plan.items[index] = QueuedInput(meeting=meeting, title_digest=digest(meeting))
    return plan
