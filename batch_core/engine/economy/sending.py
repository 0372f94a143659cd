"""Send an economy batch's meetings: claim each queued one, parse and (sensitive tier) redact it
here, build its requests, then record the intent and create the provider batch.

Meetings that are already in a provider batch (an adopted batch) are only claimed back. An
intent without a provider id means a process stopped between the two writes: the provider is
asked for that batch (OpenAI by its metadata tag, Anthropic by creation time and size) before
the requests are sent again, so a crash never pays for a meeting twice.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from batch_core import store
from batch_core.config import Settings
from batch_core.engine.economy import rows
from batch_core.engine.identity import owner_id
from batch_core.engine.processing import RedactedInput, StageClock
from batch_core.errors import MeetingFailed, ProviderAuthError
from batch_core.models import Stage
from batch_core.pipeline import prepare
from batch_core.pipeline.estimate import estimate_meeting
from batch_core.pipeline.economy import economy_requests, parse_custom_id
from batch_core.pipeline.providers.batches import BatchAPI, BatchRequest, split_requests
from batch_core.pipeline.providers.sdk import SdkProvider
from batch_core.pipeline.retry import ProviderRetry
from batch_core.store.retry import call_with_retry

log = logging.getLogger(__name__)

UNSETTLED = ("The provider batch that carried this meeting has ended, but its answer was not stored here; "
             "retry the failed meetings to send it again.")


@dataclass
class Sender:
    batch_id: str
    api: BatchAPI
    provider: SdkProvider
    config: Settings
    ledger: dict[str, Any] = field(default_factory=dict)
    _estimates: dict[int, int] = field(default_factory=dict)  # index -> estimated tokens (the budget check)

    def run(self) -> None:
        """Claim and send what is queued; settle intents a stopped process left unconfirmed."""
        self.ledger = call_with_retry(store.economy_ledger, self.batch_id)
        fresh: list[BatchRequest] = []
        for index in call_with_retry(store.queued_indexes, self.batch_id):
            if not self._claim(index):
                continue
            sent = self._sent_in(index)
            if sent == "open":
                rows.show_stage(self.batch_id, index, Stage.AT_PROVIDER)
            elif sent == "ended":  # never pay twice: only retry_failed clears a plan
                rows.fail(self.batch_id, index, UNSETTLED)
            else:
                fresh.extend(self._requests_for(index, redact=True))
        for submission in list(self.ledger["submissions"].values()):
            if submission["state"] == "intent":
                self._confirm_or_resend(submission)
        fresh = self._within_budget(fresh)
        if fresh:
            for group in split_requests(fresh, self.api.max_requests, self.api.max_bytes):
                self._send(group, self._new_submission(group))

    def _within_budget(self, fresh: list[BatchRequest]) -> list[BatchRequest]:
        """LLM_MAX_BATCH_TOKENS before anything goes: an economy batch is sent whole, so the meetings
        (in order) whose estimate (the Upload page's: input plus the usual answer) would pass the
        budget fail here, unsent, instead of being stopped call by call as live meetings are."""
        budget = self.config.llm_max_batch_tokens
        if budget <= 0 or not fresh:
            return fresh
        by_meeting: dict[int, list[BatchRequest]] = {}
        for request in fresh:
            if (parsed := parse_custom_id(request.custom_id)):
                by_meeting.setdefault(parsed[0], []).append(request)
        used = call_with_retry(store.batch_tokens, self.batch_id)
        kept: list[BatchRequest] = []
        for index in sorted(by_meeting):
            needed = self._estimates.get(index, 0)
            if used + needed > budget:
                rows.fail(self.batch_id, index, f"Not sent: this meeting's estimated {needed:,} tokens would pass "
                          f"the batch's token budget (LLM_MAX_BATCH_TOKENS={budget:,}; {used:,} counted before it). "
                          "Raise the budget and retry the failed meetings.")
                continue
            used += needed
            kept.extend(by_meeting[index])
        return kept

    def _claim(self, index: int) -> bool:
        patch: dict[str, Any] = {"started_at": store.utc_now(), "owner": owner_id(), "stage": None, "error": None,
                 "finished_at": None, "duration_ms": None, "stage_ms": {}, "audit": None}
        return call_with_retry(store.claim, self.batch_id, index, patch) is not None

    def _sent_in(self, index: int) -> str:
        """'open' (its provider batch still runs), 'ended', or '' (never sent)."""
        plan = self.ledger["plans"].get(index)
        submission = self.ledger["submissions"].get(plan["submission"]) if plan else None
        if submission is None:
            return ""
        return "open" if submission["state"] in ("intent", "sent") else "ended"

    def _requests_for(self, index: int, redact: bool) -> list[BatchRequest]:
        """The meeting's requests; a meeting that cannot be read fails here and sends nothing."""
        clock = StageClock(self.batch_id, index)
        queued = call_with_retry(store.get_item, self.batch_id, index)
        if queued is None:
            rows.fail(self.batch_id, index, "The meeting's input is no longer stored (the batch expired).")
            return []
        redacted = RedactedInput(self.batch_id, index, queued)
        try:
            ready = prepare(queued.meeting, clock if redact else (lambda stage: None), queued.redaction,
                            redacted)
            requests = economy_requests(self.provider, ready, index, self.config)
            if self.config.llm_max_batch_tokens > 0:  # only the budget check reads it
                estimate = estimate_meeting(queued.meeting, self.config)
                self._estimates[index] = estimate["input_tokens"] + estimate["output_tokens"]
        except MeetingFailed as exc:
            rows.fail(self.batch_id, index, redacted.clean(str(exc)))
            return []
        clock(Stage.AT_PROVIDER)
        return requests

    def _new_submission(self, group: list[BatchRequest]) -> dict[str, Any]:
        number = max(self.ledger["submissions"], default=0) + 1
        indexes = sorted({parsed[0] for r in group if (parsed := parse_custom_id(r.custom_id))})
        submission: dict[str, Any] = {"n": number, "tag": f"{self.batch_id}-{number}", "state": "intent",
                      "created_at": time.time(), "requests": len(group), "indexes": indexes,
                      "provider": self.api.name, "model": self.provider.model, "provider_batch_id": None,
                      "status": None, "counts": {}, "cancel_sent": False}
        parts: dict[int, int] = {}
        for request in group:
            parsed = parse_custom_id(request.custom_id)
            if parsed:
                parts[parsed[0]] = parsed[2]
        plans = {index: {"submission": number, "parts": parts[index]} for index in indexes}
        # Written before the provider is called: the id alone would come too late after a crash.
        call_with_retry(store.record_intent, self.batch_id, submission, plans)
        self.ledger["submissions"][number] = submission
        self.ledger["plans"].update(plans)
        return submission

    def _confirm_or_resend(self, submission: dict[str, Any]) -> None:
        try:
            found, _ = ProviderRetry(self.config).call(lambda: self.api.find(
                submission["tag"], submission["created_at"], submission["requests"]))
        except MeetingFailed as exc:
            log.warning("economy batch %s: could not look for provider batch %s: %s", self.batch_id,
                        submission["tag"], exc)
            return  # the intent stays; the next owner looks again
        if found:
            log.warning("economy batch %s: found provider batch %s of an unconfirmed intent", self.batch_id, found)
            self._confirmed(submission, found)
            return
        snap = call_with_retry(store.snapshot, self.batch_id)
        running = {r["index"] for r in (snap[1] if snap else []) if r["status"] == "processing"}
        group = [r for index in submission["indexes"] if index in running
                 for r in self._requests_for(index, redact=False)]
        if group:
            self._send(group, submission, looked=True)

    def _send(self, group: list[BatchRequest], submission: dict[str, Any], looked: bool = False) -> None:
        attempts = 0

        def attempt() -> str:
            nonlocal attempts
            attempts += 1
            if attempts > 1 or looked:  # an attempt that failed to answer may still have created it
                found = self.api.find(submission["tag"], submission["created_at"], len(group))
                if found:
                    return found
            return self.api.create(group, submission["tag"])

        try:
            provider_batch_id, _ = ProviderRetry(self.config).call(attempt)
        except MeetingFailed as exc:
            self._refused(submission, exc)
            return
        self._confirmed(submission, provider_batch_id)

    def _confirmed(self, submission: dict[str, Any], provider_batch_id: str) -> None:
        submission.update(state="sent", provider_batch_id=provider_batch_id, status="submitted")
        call_with_retry(store.save_submission, self.batch_id, submission)

    def _refused(self, submission: dict[str, Any], exc: MeetingFailed) -> None:
        message = (str(exc) if isinstance(exc, ProviderAuthError)
                   else f"The provider did not accept the economy batch: {exc}")
        submission.update(state="refused", status="refused", error=message[:300])
        call_with_retry(store.save_submission, self.batch_id, submission)
        for index in submission["indexes"]:
            rows.fail(self.batch_id, index, message)
        if isinstance(exc, ProviderAuthError):  # every meeting would be refused the same way
            call_with_retry(store.fail_queued, self.batch_id, {"error": message, "finished_at": store.utc_now()})
