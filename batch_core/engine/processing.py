"""Process one meeting of a batch: claim it, run the pipeline, store the record, mark the row.

Safe to call more than once for the same (batch_id, index) and from any process: the claim is
atomic (only a queued meeting can be claimed, by one caller) and the record id is deterministic,
so a re-run after a crash overwrites the same record instead of adding a second one.
"""
from __future__ import annotations

import hashlib
import logging
import time
from typing import Any, Callable

from batch_core import store
from batch_core.models import (DuplicatePolicy, MeetingIn, MeetingRecord, MeetingState,
                               QueuedInput, RedactionNote, Stage, Tier)
from batch_core.engine.key_probe import gate
from batch_core.store.retry import call_with_retry
from batch_core.errors import MeetingFailed, ProviderAuthError, StorageUnavailable
from batch_core.store.client import compact_aof
from batch_core.engine.identity import owner_id
from batch_core.engine.metering import batch_meter
from batch_core.engine.cpu_turns import cpu_turn
from batch_core.pipeline.leaving import when_leaving

log = logging.getLogger(__name__)


def meeting_id_for(batch_id: str, index: int) -> str:
    return "meeting_" + hashlib.sha1(f"{batch_id}:{index}".encode("utf-8")).hexdigest()[:12]


class StageClock:
    """Writes the current stage to the row and keeps per-stage durations."""

    def __init__(self, batch_id: str, index: int, claimed_as: Stage | None = None) -> None:
        self.batch_id, self.index = batch_id, index
        self.stage_ms: dict[str, float] = {}
        self.trail: list[dict[str, Any]] = []  # audit entries of the stages reached
        self._current: Stage | None = None
        self._since = time.monotonic()
        self._unwritten = claimed_as  # the claim wrote this first stage already: one round trip less

    def _close_current(self) -> None:
        now = time.monotonic()
        if self._current is not None:
            name = self._current.value
            elapsed = round((now - self._since) * 1000, 2)
            self.stage_ms[name] = round(self.stage_ms.get(name, 0.0) + elapsed, 2)
            self.trail[-1]["duration_ms"] = elapsed
        self._since = now

    def __call__(self, stage: Stage | str) -> None:
        self._close_current()
        self._current = Stage(stage)
        self.trail.append({"step": self._current.value, "at": store.utc_now(),
                           "duration_ms": 0.0, "detail": {}})
        if self._current is self._unwritten and not self.stage_ms:
            self._unwritten = None
        else:
            call_with_retry(store.update_running, self.batch_id, self.index,
                            {"stage": self._current.value, "stage_ms": self.stage_ms}, owner_id())
        # A key already rejected for this batch fails the meeting here, without a call.
        if self._current is Stage.EXTRACT:
            gate.enter(self.batch_id)

    def finish(self) -> dict[str, float]:
        self._close_current()
        self._current = None
        return self.stage_ms


def provider_attempts(record: MeetingRecord) -> int:
    """Provider calls the extract step made (recorded in its audit entry)."""
    for entry in record.audit:
        if entry.step == Stage.EXTRACT.value:
            return int(entry.detail.get("attempts", 0) or 0)
    return 0


def remove_replaced(record: MeetingRecord, batch_id: str, replaces: list[str] | None = None) -> list[str]:
    """Replace policy: only after the new record is stored, drop older ones with its title or
    its content, and the ones a reprocess named (`replaces`)."""
    removed = [old for old in replaces or [] if old != record.meeting_id and call_with_retry(store.delete_record, old)]
    batch = call_with_retry(store.header, batch_id) or {}
    if batch.get("on_duplicate") != DuplicatePolicy.REPLACE.value:
        return removed
    digest = record.title_digest or store.title_digest(record.tier.value, record.title)
    older = call_with_retry(store.ids_with_title_digest, record.tier.value, digest)
    if record.content_digest:
        older += call_with_retry(store.ids_with_content_digest, record.tier.value, record.content_digest)
    for old_id in dict.fromkeys(older):
        if old_id != record.meeting_id and call_with_retry(store.delete_record, old_id):
            removed.append(old_id)
    return removed


def fail_row(batch_id: str, index: int, message: str, started: float,
          clock: StageClock, attempts: int, retries: list[dict] | None = None,
          usage: dict[str, Any] | None = None) -> None:
    stage_ms = clock.finish()
    trail = clock.trail
    if trail and (attempts or retries):  # the stage that gave up says how hard it tried
        waits = "; ".join(f"after attempt {w.get('after_attempt')}: {w.get('reason')}, waited "
                          f"{w.get('wait_seconds')} s" for w in retries or [])
        trail[-1]["detail"] = {"attempts": attempts, **({"waits": waits} if waits else {})}
    trail.append({"step": "failed", "at": store.utc_now(), "duration_ms": 0.0,
                  "detail": {"error": message}})
    call_with_retry(
        store.fail, batch_id, index,
        {"error": message, "finished_at": store.utc_now(), "stage_ms": stage_ms, "audit": trail,
         "duration_ms": round((time.monotonic() - started) * 1000, 2), "progress": None,
         "usage": usage},
        owner=owner_id(), add_attempts=attempts,
    )


def _fail_rest_of_batch(batch_id: str, message: str) -> None:
    """The provider rejected the key: every queued meeting would fail the same way."""
    call_with_retry(store.fail_queued, batch_id, {"error": message, "finished_at": store.utc_now()})


class RedactedInput:
    """Stores a sensitive meeting's redacted input over its sealed raw one, and keeps what an
    error message must not repeat (its speakers, to redact them out of the message)."""

    def __init__(self, batch_id: str, index: int, queued: QueuedInput) -> None:
        self.batch_id, self.index, self.queued = batch_id, index, queued

    def __call__(self, meeting: MeetingIn, note: RedactionNote) -> None:
        redacted = self.queued.model_copy(update={"meeting": meeting, "redaction": note})
        call_with_retry(store.replace_item, self.batch_id, self.index, redacted)
        call_with_retry(store.update_running, self.batch_id, self.index,
                        {"title": meeting.title, "source_name": meeting.source_name}, owner_id())
        self.queued = redacted

    def clean(self, message: str) -> str:
        """An error of a meeting still raw may quote its text: redact the message too."""
        if self.queued.meeting.tier is not Tier.SENSITIVE or self.queued.redaction is not None:
            return message
        from batch_core.pipeline.pii.redactor import redact_labels  # word lists load on first use
        return redact_labels(message, None, self.queued.meeting.transcript)[0]


def _show_part(batch_id: str, index: int, part: int, total: int) -> None:
    """The row says which part of a long transcript is being extracted ("extract 2/5")."""
    call_with_retry(store.update_running, batch_id, index, {"progress": f"{part}/{total}"}, owner_id())


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    kind = type(exc).__name__
    return f"Unexpected error while processing ({kind}){': ' + text[:300] if text else ''}"


def compact_after_sensitive(batch_id: str) -> None:
    """Once a batch with sensitive meetings has ended, rewrite the AOF so that overwritten
    inputs (sealed raw text, replaced by redacted text) leave the disk too."""
    try:
        if store.claim_aof_compaction(batch_id):
            compact_aof()
    except Exception as exc:  # the data is safe either way; only the disk copy stays longer
        log.warning("AOF rewrite after batch %s failed: %s", batch_id, exc)


def process_meeting(batch_id: str, index: int, answered: Callable[[], None] = lambda: None
                    ) -> MeetingState | None:
    """Run one meeting if it is still queued; returns its final state (None if not claimed).
    `answered()` is called once the provider has answered (the pool then lets its next meeting
    go to the provider while this one finishes)."""
    try:
        state = _process(batch_id, index, answered)
        if state is not None:
            compact_after_sensitive(batch_id)
        return state
    except StorageUnavailable as exc:  # the row stays as it was; recovery settles it later
        log.error("meeting %s of batch %s: %s", index, batch_id, exc)
        return None
    except Exception:  # never let a pool thread die silently
        log.exception("meeting %s of batch %s could not be finished", index, batch_id)
        return None


def _process(batch_id: str, index: int, answered: Callable[[], None]) -> MeetingState | None:
    from batch_core.pipeline import extract_live, finish, prepare  # Presidio, SDKs: only where meetings run

    with cpu_turn(urgent=True):
        claimed = call_with_retry(
            store.claim, batch_id, index,
            {"started_at": store.utc_now(), "owner": owner_id(), "stage": Stage.PARSE.value, "error": None,
             "finished_at": None, "duration_ms": None, "stage_ms": {}, "audit": None},
        )
    if claimed is None:
        return None  # canceled, already done, or claimed by another worker
    started = time.monotonic()
    clock = StageClock(batch_id, index, claimed_as=Stage.PARSE)
    meeting_id = meeting_id_for(batch_id, index)
    redacted: RedactedInput | None = None
    meter = batch_meter(batch_id)
    try:
        # The steps of pipeline.run_pipeline. The turn is held until the request leaves (the SDK
        # builds it in it) and given back before anything waits (pipeline/leaving.py).
        held = cpu_turn.hold(urgent=True)
        try:
            queued = call_with_retry(store.get_item, batch_id, index)
            if queued is None:
                raise MeetingFailed("The meeting's input is no longer stored (the batch expired).")
            redacted = RedactedInput(batch_id, index, queued)
            ready = prepare(queued.meeting, clock, queued.redaction, redacted)
            clock(Stage.EXTRACT)  # may raise ProviderAuthError (key gate); never waits
            with when_leaving(held.release):
                provider, extraction = extract_live(ready, meter,
                                                    lambda part, total: _show_part(batch_id, index, part, total))
        finally:
            held.release()
        answered()
        with cpu_turn():
            record = finish(ready, meeting_id, batch_id, provider, extraction, meter, clock)
            record = record.model_copy(update={"title_digest": queued.title_digest,
                                               "content_digest": queued.content_digest or None})
            clock(Stage.STORE)
            call_with_retry(store.save_record, record)
            remove_replaced(record, batch_id, queued.replaces)
    except ProviderAuthError as exc:
        gate.rejected(batch_id, str(exc))  # meetings not yet calling fail without a call
        fail_row(batch_id, index, str(exc), started, clock, exc.attempts, exc.retries, meter.as_dict())
        _fail_rest_of_batch(batch_id, str(exc))
        return MeetingState.FAILED
    except MeetingFailed as exc:
        message = redacted.clean(str(exc)) if redacted else str(exc)
        fail_row(batch_id, index, message, started, clock, exc.attempts, exc.retries, meter.as_dict())
        return MeetingState.FAILED
    except StorageUnavailable:
        raise  # nothing can be written: the row stays processing for the recovery path
    except Exception as exc:
        message = redacted.clean(_describe(exc)) if redacted else _describe(exc)
        if redacted is not None and redacted.queued.meeting.tier is Tier.SENSITIVE:
            # A traceback may quote raw text of a sensitive meeting: log the redacted words only.
            log.error("meeting %s of batch %s failed unexpectedly: %s", index, batch_id, message)
        else:
            log.exception("meeting %s of batch %s failed unexpectedly", index, batch_id)
        fail_row(batch_id, index, message, started, clock, 0, usage=meter.as_dict())
        return MeetingState.FAILED
    patch: dict[str, Any] = {
        "meeting_id": meeting_id, "finished_at": store.utc_now(), "stage_ms": clock.finish(),
        "duration_ms": round((time.monotonic() - started) * 1000, 2), "progress": None,
        "usage": meter.as_dict(),
    }
    with cpu_turn():
        call_with_retry(store.complete, batch_id, index, patch, owner_id(),
                        add_attempts=provider_attempts(record))
    return MeetingState.COMPLETED
