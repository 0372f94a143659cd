"""Typed models shared by every layer: what goes in, what is stored, what is shown."""
from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Tier(str, Enum):
    ORDINARY = "ordinary"    # processed as is
    SENSITIVE = "sensitive"  # PII redacted before any text leaves the process or is stored


class DuplicatePolicy(str, Enum):
    SKIP = "skip"                          # keep the existing meeting, skip the new one
    REPLACE = "replace"                    # process the new one; on success remove the old one
    ALLOW_DUPLICATES = "allow_duplicates"  # process and keep both


class BatchMode(str, Enum):
    LIVE = "live"        # each meeting's calls are sent at once, at the list price
    ECONOMY = "economy"  # one provider batch (Message Batches / Batch API): half price, within 24 h


class BatchState(str, Enum):
    PROCESSING = "processing"  # at least one meeting is still queued or processing
    COMPLETED = "completed"    # every meeting reached a terminal state (some may be failed/skipped)
    PARTIAL = "partial"        # stopped early by an infrastructure fault; unfinished meetings failed
    CANCELED = "canceled"      # canceled by a user; queued meetings were canceled

    @property
    def terminal(self) -> bool:
        return self is not BatchState.PROCESSING


class MeetingState(str, Enum):
    QUEUED = "queued"          # waiting for a worker
    PROCESSING = "processing"  # a worker is running its pipeline
    COMPLETED = "completed"    # insights stored under its tier
    FAILED = "failed"          # the pipeline raised; `error` says why
    SKIPPED = "skipped"        # not processed: duplicate, too short or too long
    CANCELED = "canceled"      # its batch was canceled before it started

    @property
    def terminal(self) -> bool:
        return self not in (MeetingState.QUEUED, MeetingState.PROCESSING)


class BatchEffect(str, Enum):
    """What a move of rows does to the batch header besides its counters (Lua BULK's mode)."""
    NONE = ""           # counters only; the batch ends by itself when no row is left to run
    CANCEL = "cancel"   # cancel_requested: the batch ends canceled once running rows finish
    RETRY = "retry"     # the batch turns processing again
    PARTIAL = "partial"  # the batch ends partial, with the reason


# Every move a meeting's row can make: name -> (from states, to state, effect on the batch).
# store/transitions.py has one function per name; nothing else moves rows.
TRANSITIONS: dict[str, tuple[frozenset[MeetingState], MeetingState, BatchEffect]] = {
    "claim": (frozenset({MeetingState.QUEUED}), MeetingState.PROCESSING, BatchEffect.NONE),
    "update_running": (frozenset({MeetingState.PROCESSING}), MeetingState.PROCESSING, BatchEffect.NONE),
    "complete": (frozenset({MeetingState.PROCESSING}), MeetingState.COMPLETED, BatchEffect.NONE),
    "fail": (frozenset({MeetingState.PROCESSING}), MeetingState.FAILED, BatchEffect.NONE),
    "fail_job": (frozenset({MeetingState.PROCESSING, MeetingState.QUEUED}), MeetingState.FAILED,
                 BatchEffect.NONE),
    "requeue": (frozenset({MeetingState.PROCESSING}), MeetingState.QUEUED, BatchEffect.NONE),
    "cancel_queued": (frozenset({MeetingState.QUEUED}), MeetingState.CANCELED, BatchEffect.CANCEL),
    "fail_queued": (frozenset({MeetingState.QUEUED}), MeetingState.FAILED, BatchEffect.NONE),
    "requeue_failed": (frozenset({MeetingState.FAILED}), MeetingState.QUEUED, BatchEffect.RETRY),
    "requeue_canceled": (frozenset({MeetingState.CANCELED}), MeetingState.QUEUED, BatchEffect.RETRY),
    "settle_partial": (frozenset({MeetingState.QUEUED}), MeetingState.FAILED, BatchEffect.PARTIAL),
    # economy: the provider canceled the meeting's requests (a cancel sent on our side)
    "cancel_running": (frozenset({MeetingState.PROCESSING}), MeetingState.CANCELED, BatchEffect.NONE),
}


class Stage(str, Enum):
    PARSE = "parse"          # transcript text -> speaker turns
    REDACT = "redact"        # sensitive tier only: PII removed
    EXTRACT = "extract"      # provider call for insights
    AT_PROVIDER = "at_provider"  # economy: the requests wait in the provider's batch
    SENTIMENT = "sentiment"  # per-speaker VADER scores
    STORE = "store"          # record written to Redis


MAX_TITLE_CHARS = 300
# Bidirectional overrides and isolates reorder what a reader sees ("exe.txt" shown as "txt.exe").
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


_CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")            # Unicode category Cc, and bidi
_CONTROLS_BUT_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")  # keeps \t and \n


def strip_controls(text: str, keep_lines: bool = False) -> str:
    """`text` without control characters (NUL, escape, CR, ...) and bidi overrides."""
    return (_CONTROLS_BUT_LINES if keep_lines else _CONTROLS).sub("", text)


class MeetingIn(BaseModel):
    """One meeting as submitted to a batch."""
    model_config = ConfigDict(extra="ignore")

    title: str
    tier: Tier
    transcript: str
    meeting_date: str | None = None
    source_name: str | None = None

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        value = " ".join(strip_controls(value).split())
        if not value:
            raise ValueError("title must not be empty")
        if len(value) > MAX_TITLE_CHARS:
            raise ValueError(f"title is {len(value):,} characters long; at most {MAX_TITLE_CHARS} are allowed")
        return value

    @field_validator("source_name")
    @classmethod
    def _clean_source_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return " ".join(strip_controls(value).split())[:MAX_TITLE_CHARS] or None

    @field_validator("meeting_date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"meeting_date must be an ISO date such as 2026-03-05 "
                             f"(got {value[:40]!r})") from None
        return parsed.date().isoformat() if len(value) <= 10 else parsed.isoformat()

    @field_validator("transcript")
    @classmethod
    def _no_hidden_controls(cls, value: str) -> str:
        return strip_controls(value, keep_lines=True)


class RedactionNote(BaseModel):
    """What a sensitive meeting's redaction found, kept with its redacted input so a retry or a
    resume reuses it instead of redacting placeholders again."""
    counts: dict[str, int] = Field(default_factory=dict)    # replacements per kind
    distinct: dict[str, int] = Field(default_factory=dict)  # different values per kind
    speakers: int = 0


class QueuedInput(BaseModel):
    """A queued meeting as stored in `batch:{id}:items`: sealed while its text is raw (sensitive
    tier, before redaction), in clear once `redaction` is set or for the ordinary tier."""
    meeting: MeetingIn
    title_digest: str  # duplicate detection (keyed for the sensitive tier: store/keys.py)
    content_digest: str = ""  # the same, for what was said (store/keys.content_digest)
    redaction: RedactionNote | None = None
    replaces: list[str] = Field(default_factory=list)  # reprocess: stored meetings this one replaces


class Turn(BaseModel):
    speaker: str | None = None
    text: str
    start: float | None = None  # seconds from the meeting start
    end: float | None = None


class Decision(BaseModel):
    topic: str
    decision: str
    deciders: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)


class ActionItem(BaseModel):
    task: str
    owner: str | None = None
    deadline: str | None = None
    priority: str | None = None  # low | medium | high, or None when nothing says how urgent


class KeyTopic(BaseModel):
    name: str
    importance: float = Field(ge=0.0, le=1.0)
    related_speakers: list[str] = Field(default_factory=list)


class OpenQuestion(BaseModel):
    question: str
    context: str = ""
    stakeholders: list[str] = Field(default_factory=list)


class Insights(BaseModel):
    """The extraction schema every provider must fill."""
    summary: str
    decisions: list[Decision] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    key_topics: list[KeyTopic] = Field(default_factory=list)
    open_questions: list[OpenQuestion] = Field(default_factory=list)


class SpeakerSentiment(BaseModel):
    speaker: str
    label: str  # positive | neutral | negative
    mean_score: float
    utterances: int


class AuditEntry(BaseModel):
    step: str
    at: str  # ISO-8601 UTC
    duration_ms: float
    detail: dict[str, Any] = Field(default_factory=dict)


class MeetingRecord(BaseModel):
    """A processed meeting as stored under its tier namespace. Never expires."""
    meeting_id: str
    batch_id: str | None = None
    title: str
    tier: Tier
    meeting_date: str | None = None
    source_name: str | None = None
    processed_at: str
    provider: str
    model: str
    speakers: list[str]
    word_count: int
    duration_seconds: float | None = None
    redacted: bool = False
    redaction_counts: dict[str, int] = Field(default_factory=dict)   # replacements per kind
    redaction_distinct: dict[str, int] = Field(default_factory=dict)  # different values per kind
    title_digest: str | None = None  # duplicate detection; the sensitive title is stored redacted
    content_digest: str | None = None  # duplicate detection by what was said (keyed when sensitive)
    language: str | None = None  # ISO 639-1, detected offline (pipeline/language.py)
    usage: dict[str, Any] = Field(default_factory=dict)  # input_tokens, output_tokens, calls, cost_usd
    warnings: list[str] = Field(default_factory=list)    # what a reader of the insights must know
    sentiment_note: str | None = None                   # why sentiment is missing, when it is
    transcript: str  # redacted for the sensitive tier; the original is never stored
    insights: Insights
    sentiment: list[SpeakerSentiment]
    audit: list[AuditEntry]


class MeetingRow(BaseModel):
    """One line of a batch's results list, in submission order."""
    index: int
    meeting_id: str | None = None
    title: str
    tier: Tier
    status: MeetingState
    error: str | None = None
    stage: Stage | None = None
    attempts: int = 0
    source_name: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    duration_ms: float | None = None
    stage_ms: dict[str, float] = Field(default_factory=dict)
    progress: str | None = None  # "2/5": the part of a long transcript being extracted
    usage: dict[str, Any] | None = None  # input_tokens, output_tokens, calls, cost_usd
    audit: list[AuditEntry] | None = None  # a failed meeting's trail (it has no record)


class BatchOutcome(str, Enum):
    """What a batch that ended achieved; `status` says only that it ended."""
    ALL_COMPLETED = "all_completed"                  # every meeting that ran completed
    COMPLETED_WITH_FAILURES = "completed_with_failures"
    NOTHING_COMPLETED = "nothing_completed"          # it ran, and every meeting failed
    NOTHING_NEW = "nothing_new"                      # every meeting was skipped (duplicates, too short)
    CANCELED = "canceled"
    PARTIAL = "partial"                              # stopped by an infrastructure fault


def batch_outcome(status: str, counts: dict[str, int]) -> BatchOutcome | None:
    """None while the batch is still processing."""
    if status == BatchState.PROCESSING.value:
        return None
    if status == BatchState.CANCELED.value:
        return BatchOutcome.CANCELED
    if status == BatchState.PARTIAL.value:
        return BatchOutcome.PARTIAL
    completed, failed = counts.get("completed", 0), counts.get("failed", 0)
    if completed == 0 and failed == 0:
        return BatchOutcome.NOTHING_NEW
    if completed == 0:
        return BatchOutcome.NOTHING_COMPLETED
    return BatchOutcome.COMPLETED_WITH_FAILURES if failed else BatchOutcome.ALL_COMPLETED


def outcome_words(outcome: BatchOutcome | None, counts: dict[str, int]) -> str:
    """'completed · 3 failed', 'nothing new · 19 skipped', 'processing'."""
    if outcome is None:
        return "processing"
    extras = [f"{counts[k]} {k}" for k in ("failed", "skipped", "canceled") if counts.get(k)]
    head = {BatchOutcome.ALL_COMPLETED: "completed", BatchOutcome.COMPLETED_WITH_FAILURES: "completed",
            BatchOutcome.NOTHING_COMPLETED: "nothing completed", BatchOutcome.NOTHING_NEW: "nothing new",
            BatchOutcome.CANCELED: "canceled", BatchOutcome.PARTIAL: "stopped early"}[outcome]
    return " · ".join([head, *extras])


def economy_progress(ledger: dict[str, Any]) -> dict[str, Any]:
    """An economy batch's provider side for get(): its provider batches with their counts, and
    'waiting at provider · 140 of 300 done'."""
    submissions = [ledger["submissions"][n] for n in sorted(ledger["submissions"])]
    total = sum(int(s.get("requests") or 0) for s in submissions)
    done = sum(int(v) for s in submissions for k, v in (s.get("counts") or {}).items() if k != "processing")
    waiting = [s for s in submissions if s.get("state") in ("intent", "sent")]
    if not submissions:
        text = "preparing the requests (parse, redact) on this machine"
    elif waiting:
        text = f"waiting at provider · {done} of {total} done"
    else:
        text = f"provider batch ended · {done} of {total} answered"
    return {"provider_batches": [{"id": s.get("provider_batch_id"), "status": s.get("status"),
                                  "requests": s.get("requests"), "counts": s.get("counts") or {},
                                  "cancel_sent": bool(s.get("cancel_sent")), "error": s.get("error")}
                                 for s in submissions],
            "requests": total, "done": done, "text": text, "saving_usd": round(float(ledger.get("saving_usd") or 0), 6)}
