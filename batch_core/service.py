"""The public functions of the batch engine (re-exported by batch_core/__init__.py): submit and
follow batches, describe the engine. Each is a few lines over store/ (state in Redis) and engine/
(who runs the meetings); stored meetings are library.py's.

Every function that reads or changes batches takes the acting `principal` (None: the local
operator). A batch holding a sensitive meeting is invisible, as if it did not exist, to anyone
without the sensitive role; changing a batch needs the role to process each tier it holds.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Sequence

import redis

from batch_core import store
from batch_core.access import Principal, acting, audit, require_process
from batch_core.store import client as redis_server
from batch_core.engine import dispatch, identity, pool, state
from batch_core.config import settings
from batch_core.models import BatchMode, BatchState, MeetingIn, Tier, batch_outcome, economy_progress, outcome_words
from batch_core.store import normalise_title
from batch_core.errors import BatchError, StorageUnavailable
from batch_core.pipeline.providers.batches.base import BATCH_PRICE_FACTOR
from batch_core.library import batch_minutes, get_meeting
from batch_core.engine.planning import plan_batch
from batch_core.validation import (check_batch_id, check_count, economy_refusal, parse_batch_name, parse_meeting,
                                   parse_mode, parse_policy)
from batch_core.engine.processing import compact_after_sensitive, meeting_id_for

_BATCH_FIELDS = ("batch_id", "name", "total", "completed", "failed", "skipped", "canceled", "queued",
                 "processing", "status", "submitted_at", "finished_at", "on_duplicate", "owner",
                 "resumed_by", "resumed_at", "resumed_from", "partial_reason")


def _start_background() -> None:
    """First use in any app process: start the pool, whose heartbeat thread also resumes
    batches left behind by a process that died (see pool.Runner.resume_orphans)."""
    if settings().executor == "thread" and pool.auto_resume:
        pool.get_runner()


def _shown_labels(meeting: MeetingIn) -> tuple[str, str | None]:
    """Title and file name as stored and shown: a sensitive meeting's are redacted first."""
    if meeting.tier is not Tier.SENSITIVE:
        return meeting.title, meeting.source_name
    from batch_core.pipeline.pii.redactor import redact_labels  # word lists load on first use
    return redact_labels(meeting.title, meeting.source_name, meeting.transcript)


def _shown_name(name: str | None, meetings: list[MeetingIn]) -> str | None:
    """A batch holding sensitive meetings gets its name redacted like their titles."""
    sensitive = [m for m in meetings if m.tier is Tier.SENSITIVE]
    if not name or not sensitive:
        return name
    from batch_core.pipeline.pii.redactor import redact_labels  # word lists load on first use
    return redact_labels(name, None, "\n".join(m.transcript for m in sensitive))[0]


def _new_batch_id() -> str:
    return f"batch_{uuid.uuid4().hex[:8]}"


def _parse_for(meetings: Sequence[dict[str, Any] | MeetingIn], who: Principal) -> list[MeetingIn]:
    check_count(meetings)
    parsed = [parse_meeting(position, raw) for position, raw in enumerate(meetings, start=1)]
    for tier in sorted({m.tier for m in parsed}, key=lambda t: t.value):
        require_process(who, tier)
    return parsed


def submit(meetings: Sequence[dict[str, Any] | MeetingIn], on_duplicate: str = "skip",
           principal: Principal | None = None, mode: str = "live", name: str | None = None,
           replaces: Sequence[Sequence[str]] | None = None) -> dict[str, Any]:
    """Validate and store a batch, schedule its meetings, and return at once. `mode="economy"`
    sends them as one provider batch (half price, results within 24 h; openai or anthropic)."""
    who = acting(principal)
    policy = parse_policy(on_duplicate)
    batch_mode = parse_mode(mode)
    parsed = _parse_for(meetings, who)
    batch_id = _new_batch_id()
    digests = {id(m): store.title_digest(m.tier.value, m.title) for m in parsed}
    contents = {id(m): store.content_digest(m.tier.value, m.transcript) for m in parsed}
    plan = plan_batch(
        parsed, policy,
        meeting_id_for=lambda index: meeting_id_for(batch_id, index),
        stored_ids=lambda m: store.ids_with_title_digest(m.tier.value, digests[id(m)]),
        normalise=normalise_title,
        digest=lambda m: digests[id(m)],
        shown=_shown_labels,
        content=lambda m: contents[id(m)],
        stored_content_ids=lambda m: store.ids_with_content_digest(m.tier.value, contents[id(m)]),
    )
    for index, item in plan.items.items():  # reprocess: what each new meeting replaces once stored
        item.replaces = list(replaces[index]) if replaces and index < len(replaces) else []
    submitted_at = store.utc_now()
    owner, lease_until = dispatch.batch_owner()
    store.create_batch(batch_id, submitted_at, policy.value, owner, lease_until, plan.rows,
                       plan.items, mode=batch_mode.value, name=_shown_name(parse_batch_name(name), parsed))
    sensitive = sum(m.tier is Tier.SENSITIVE for m in parsed)
    if sensitive:
        audit.record(who, "submit", batch_id=batch_id, detail=f"{sensitive} sensitive meeting(s)")
    if plan.items:
        dispatch.schedule(batch_id, sorted(plan.items))
    status = BatchState.PROCESSING if plan.items else BatchState.COMPLETED
    return {"batch_id": batch_id, "total": len(plan.rows), "status": status.value,
            "submitted_at": submitted_at, "mode": batch_mode.value, "name": (store.header(batch_id) or {}).get("name")}


def language_name(code: str | None) -> str:
    """'Norwegian (Bokmål)' for a record's `language` code; the code itself when unknown."""
    from batch_core.pipeline.language import language_name as name_of  # no model load: only the names table
    return name_of(code)


def estimate(meetings: Sequence[dict[str, Any] | MeetingIn],
             principal: Principal | None = None) -> dict[str, Any]:
    """What submitting `meetings` would send to the configured provider: parts, calls, tokens and
    cost (USD at list price; None when the model has no known price). Nothing is stored or sent."""
    from batch_core.pipeline.estimate import estimate_batch  # only callers of the estimate pay for its imports
    return estimate_batch(_parse_for(meetings, acting(principal)), settings())


def _throughput_per_min(header: dict[str, Any]) -> float | None:
    started = store.parse_time(header.get("submitted_at"))
    if started is None:
        return None
    ended = store.parse_time(header.get("finished_at")) or datetime.now(timezone.utc)
    minutes = max((ended - started).total_seconds(), 1e-3) / 60
    return round((header["completed"] + header["failed"]) / minutes, 2)


def _summary(header: dict[str, Any]) -> dict[str, Any]:
    batch = {name: header.get(name) for name in _BATCH_FIELDS}
    batch["cancel_requested"] = header.get("cancel_requested") == "1"
    batch["sensitive"] = int(header.get("sensitive") or 0)  # meetings of the sensitive tier
    batch["throughput_per_min"] = _throughput_per_min(header)
    batch["usage"] = store.usage_from_header(header)
    outcome = batch_outcome(str(header.get("status")), header)
    batch["outcome"] = outcome.value if outcome else None
    batch["outcome_text"] = outcome_words(outcome, header)
    batch["mode"] = header.get("mode") or BatchMode.LIVE.value
    if batch["mode"] == BatchMode.ECONOMY.value:
        batch["economy"] = economy_progress(store.economy_ledger(str(header["batch_id"])))
    return batch


def _visible(header: dict[str, Any], who: Principal) -> bool:
    return int(header.get("sensitive") or 0) == 0 or who.may_read(Tier.SENSITIVE)


def get(batch_id: str, principal: Principal | None = None, results: bool = True) -> dict[str, Any] | None:
    """The batch with counts and its results in submission order; None if unknown, expired or
    not visible to the principal. `results=False` reads the counts only (one small hash), for
    a caller that polls."""
    check_batch_id(batch_id)
    _start_background()
    if not results:
        header = store.header(batch_id)
        return _summary(header) if header and _visible(header, acting(principal)) else None
    snap = store.snapshot(batch_id)
    if snap is None or not _visible(snap[0], acting(principal)):
        return None
    header, rows = snap
    return {**_summary(header), "results": rows}


def list_batches(limit: int = 50, principal: Principal | None = None) -> list[dict[str, Any]]:
    """Newest first, those visible to the principal; same shape as get() without the results."""
    _start_background()
    who = acting(principal)
    if who.may_read(Tier.SENSITIVE):
        return [_summary(h) for h in store.list_headers(limit)]
    # Read further back so hidden sensitive batches do not shorten the page much.
    headers = [h for h in store.list_headers(min(limit * 4, 2000)) if _visible(h, who)]
    return [_summary(h) for h in headers[:limit]]


def _existing(batch_id: str, who: Principal) -> dict[str, Any]:
    header = store.header(check_batch_id(batch_id))
    if header is None or not _visible(header, who):
        raise BatchError(f"No batch {batch_id!r}: it does not exist or has expired.")
    sensitive = int(header.get("sensitive") or 0)
    if sensitive:
        require_process(who, Tier.SENSITIVE)
    if int(header.get("total") or 0) > sensitive:
        require_process(who, Tier.ORDINARY)
    return header


def cancel(batch_id: str, principal: Principal | None = None) -> dict[str, Any]:
    """Queued meetings become canceled; meetings already processing finish."""
    who = acting(principal)
    header = _existing(batch_id, who)
    if header["status"] != BatchState.PROCESSING.value:
        raise BatchError(f"Batch {batch_id} is already {header['status']}; nothing to cancel.")
    changed = store.cancel_queued(batch_id, {"finished_at": store.utc_now()})
    dispatch.unschedule(batch_id)
    compact_after_sensitive(batch_id)
    return {**(get(batch_id, who) or {}), "canceled_now": len(changed)}


def retry_failed(batch_id: str, principal: Principal | None = None, mode: str | None = None) -> dict[str, Any]:
    """Re-queue only the failed meetings of the batch and run them in this process; `mode`
    ("live" or "economy") switches how they are sent this time (an expired economy batch can be
    retried live)."""
    who = acting(principal)
    header = _existing(batch_id, who)
    if mode is not None and header["status"] != BatchState.PROCESSING.value:
        store.set_batch_mode(batch_id, parse_mode(mode).value)
    # The fresh lease is written in the same step as the rows move (so no other process adopts
    # the batch in between), and not at all when nothing failed.
    changed = store.requeue_failed(
        batch_id, {"error": None, "finished_at": None, "stage": None, "duration_ms": None},
        dispatch.batch_owner())
    if not changed:
        raise BatchError(f"Batch {batch_id} has no failed meetings to retry.")
    store.forget_plans(batch_id, changed)  # economy: they go in a new provider batch
    if int(header.get("sensitive") or 0):
        audit.record(who, "reprocess", batch_id=batch_id, detail=f"{len(changed)} failed meeting(s) queued again")
    dispatch.schedule(batch_id, changed)
    return {**(get(batch_id, who) or {}), "requeued": len(changed)}


def requeue_canceled(batch_id: str, principal: Principal | None = None) -> dict[str, Any]:
    """Queue the canceled meetings of the batch again and run them in this process."""
    who = acting(principal)
    header = _existing(batch_id, who)
    changed = store.requeue_canceled(
        batch_id, {"error": None, "finished_at": None, "stage": None, "duration_ms": None},
        dispatch.batch_owner())
    if not changed:
        raise BatchError(f"Batch {batch_id} has no canceled meetings to queue again.")
    store.forget_plans(batch_id, changed)
    if int(header.get("sensitive") or 0):
        audit.record(who, "reprocess", batch_id=batch_id, detail=f"{len(changed)} canceled meeting(s) queued again")
    dispatch.schedule(batch_id, changed)
    return {**(get(batch_id, who) or {}), "requeued": len(changed)}


def reprocess_meetings(meeting_ids: Sequence[str], principal: Principal | None = None,
                       mode: str = "live") -> dict[str, Any]:
    """Run stored meetings again (the configured provider, as engine_info() names it) as a new
    batch; each new record replaces its old one once it is stored (until then the old one stays).
    A sensitive meeting is run from its stored, redacted transcript."""
    who = acting(principal)
    found = {m: get_meeting(m, who) for m in dict.fromkeys(meeting_ids)}
    missing = [m for m, r in found.items() if r is None]
    if missing or not found:
        raise BatchError(f"No stored meeting {missing[0]!r}." if missing else "No meeting to reprocess.")
    records = [r for r in found.values() if r is not None]
    meetings = [{"title": r["title"], "tier": r["tier"], "transcript": r["transcript"],
                 "meeting_date": r.get("meeting_date"), "source_name": r.get("source_name")} for r in records]
    result = submit(meetings, on_duplicate="allow_duplicates", principal=who, mode=mode,
                    name=f"Reprocess of {len(meetings)} meeting{'s' if len(meetings) != 1 else ''}",
                    replaces=[[r["meeting_id"]] for r in records])
    if any(r["tier"] == Tier.SENSITIVE.value for r in records):
        audit.record(who, "reprocess", batch_id=result["batch_id"], detail=f"{len(records)} stored meeting(s)")
    return result


def batch_minutes_zip(batch_id: str, principal: Principal | None = None) -> bytes | None:
    """A zip of the minutes of every completed meeting of the batch; None if the batch is absent."""
    batch = get(batch_id, principal)
    if batch is None:
        return None
    ids = [r["meeting_id"] for r in batch["results"] if r.get("status") == "completed" and r.get("meeting_id")]
    return batch_minutes(ids, principal)


def wait(batch_id: str, timeout: float | None = None, poll: float = 0.5,
         principal: Principal | None = None) -> dict[str, Any]:
    """Poll until the batch is terminal (or timeout); returns the last get() snapshot."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        batch = get(batch_id, principal)
        if batch is None:
            raise BatchError(f"No batch {batch_id!r}: it does not exist or has expired.")
        if batch["status"] != BatchState.PROCESSING.value:
            return batch
        if deadline is not None and time.monotonic() >= deadline:
            return batch
        time.sleep(poll)


def read_files(files: Iterable[tuple[str, bytes]], principal: Principal | None = None,
               progress: Callable[[int, str], None] | None = None) -> Any:
    """Parse uploaded files (name, bytes) into transcripts: an ingest.IngestReport with
    `parsed`, `errors` and `ignored`; one bad file never stops the others. Needs a role that
    may process meetings (analyst or sensitive). `progress(read so far, name)` follows a big
    upload, one call per transcript or archive member."""
    who = acting(principal)
    if not (who.may_process(Tier.ORDINARY) or who.may_process(Tier.SENSITIVE)):
        require_process(who, Tier.ORDINARY)
    from batch_core.ingest import load_files  # format parsers (docx, webvtt) load on first use
    return load_files(files, progress)


def engine_info() -> dict[str, Any]:
    config = settings()
    url = redis_server.current_url() or config.redis_url
    current = pool.current_runner()
    return {
        "redis_mode": "embedded" if config.embedded_redis else "external",
        "redis_url": redis_server.describe_url(url) if url else None,
        "data_dir": str(config.data_dir) if config.embedded_redis else None,
        "provider": config.llm_provider, "model": config.model_name,
        "workers": config.max_workers, "executor": config.executor,
        "owner": identity.owner_id(), "pending_tasks": current.pending() if current else 0,
        "max_meetings": config.max_meetings, "result_ttl_seconds": config.result_ttl_seconds,
        "min_transcript_words": config.min_transcript_words,
        "max_transcript_chars": config.max_transcript_chars,
        "audit_retention_days": config.audit_retention_days,
        "economy_unavailable": economy_refusal(config),  # None: economy mode can be chosen
        "economy_price_factor": BATCH_PRICE_FACTOR,
        "search_backend": _search_backend(),
    }


def _search_backend() -> str:
    try:
        return {"redis": "FT.SEARCH (Redis Query Engine)", "sqlite": "SQLite FTS5 in the data dir"}[store.search_backend()]
    except StorageUnavailable as exc:
        return f"unavailable: {exc}"


def fleet_info() -> dict[str, Any]:
    """RQ fleet status for the dashboard: {"executor", "queue", "queue_depth", "running",
    "workers": [{name, hostname, pid, state, current_job, current_batch, current_index,
    last_heartbeat, heartbeat_age_seconds, successful_jobs, failed_jobs}]}."""
    # RQ is imported only where it is used
    from batch_core.executors.fleet_status import fleet_info as _fleet_info
    try:
        return _fleet_info()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise redis_server.unavailable(exc) from exc


def health() -> dict[str, Any]:
    _start_background()
    config = settings()
    return {"redis": redis_server.ping(), "provider": config.llm_provider,
            "model": config.model_name}


def reset_for_tests() -> None:
    """Drain this process's workers and forget cached clients (tests and settings changes)."""
    state.reset(wait=True)
