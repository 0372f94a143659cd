"""Submit-time checks: reject malformed batches outright, and say why a meeting cannot be run.

A batch with an impossible shape (no meetings, too many, a meeting without a title or with an
unknown tier) is rejected before anything is stored. A well-formed meeting that cannot be
processed (too short, too long) is skipped by the plan (engine/planning.py) with the reason.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from batch_core.errors import BatchError
from batch_core.config import Settings, settings
from batch_core.models import BatchMode, DuplicatePolicy, MeetingIn, Tier, strip_controls

_TIERS = ", ".join(repr(t.value) for t in Tier)
_POLICIES = ", ".join(repr(p.value) for p in DuplicatePolicy)


def parse_policy(value: Any) -> DuplicatePolicy:
    try:
        return DuplicatePolicy(getattr(value, "value", value))
    except ValueError:
        raise BatchError(f"on_duplicate must be one of {_POLICIES} (got {value!r}).") from None


def parse_mode(value: Any) -> BatchMode:
    """live or economy; economy only where the configured provider has a batch API."""
    try:
        mode = BatchMode(getattr(value, "value", value) or "live")
    except ValueError:
        raise BatchError(f"mode must be 'live' or 'economy' (got {value!r}).") from None
    if mode is BatchMode.ECONOMY:
        refusal = economy_refusal(settings())
        if refusal:
            raise BatchError(refusal)
    return mode


MAX_BATCH_NAME_CHARS = 120


def parse_batch_name(value: Any) -> str | None:
    """An optional name shown with the batch everywhere: control characters out, spaces folded."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BatchError("name must be text.")
    name = " ".join(strip_controls(value, keep_lines=True).split())
    if len(name) > MAX_BATCH_NAME_CHARS:
        raise BatchError(f"name is {len(name)} characters long; at most {MAX_BATCH_NAME_CHARS} are allowed.")
    return name or None


ECONOMY_PROVIDERS = ("openai", "anthropic")


def economy_refusal(config: Settings) -> str | None:
    """Why this configuration has no economy mode, in plain words; None when it has one."""
    if config.llm_provider not in ECONOMY_PROVIDERS:
        return (f"The {config.llm_provider} provider has no economy mode: it runs on this machine, so there "
                "is no batch price to save. Economy mode needs LLM_PROVIDER=openai or anthropic.")
    if config.executor != "thread":
        return ("Economy mode runs in the app process that holds the batch (it polls the provider), "
                "so it needs BATCH_EXECUTOR=thread; with RQ workers, use live mode.")
    return None


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


BATCH_ID = re.compile(r"^batch_[0-9a-f]{8}$")
MEETING_ID = re.compile(r"^meeting_[0-9a-f]{12}$")


def check_batch_id(batch_id: Any) -> str:
    if not isinstance(batch_id, str) or not BATCH_ID.match(batch_id):
        raise BatchError(f"{str(batch_id)[:40]!r} is not a batch id: ids read 'batch_' and 8 hex digits.")
    return batch_id


def check_meeting_id(meeting_id: Any) -> str:
    if not isinstance(meeting_id, str) or not MEETING_ID.match(meeting_id):
        raise BatchError(f"{str(meeting_id)[:40]!r} is not a meeting id: ids read 'meeting_' and 12 hex digits.")
    return meeting_id
