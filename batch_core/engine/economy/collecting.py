"""Follow an economy batch at the provider and bring each answer home.

Every poll stores the provider's status and counts in the ledger (the batch page shows them);
the wait between polls grows from BATCH_ECONOMY_POLL_SECONDS to BATCH_ECONOMY_POLL_MAX_SECONDS.
A cancel on our side is sent to the provider once. When a provider batch has ended, each of its
meetings gets exactly one outcome:

- every part succeeded -> insights read (a broken answer: that meeting is extracted live at
  the list price, with a warning on the record), sentiment, stored, completed;
- a part errored       -> failed with the provider's own message;
- a part expired       -> failed "expired at the provider after 24 h" (retry: live or economy);
- a part canceled      -> canceled;
- no answer at all     -> failed, naming what the provider said about the batch.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from batch_core import store
from batch_core.config import Settings
from batch_core.engine.economy import rows
from batch_core.engine.identity import owner_id
from batch_core.engine.metering import batch_meter
from batch_core.engine.processing import StageClock, meeting_id_for, provider_attempts, remove_replaced
from batch_core.errors import MeetingFailed
from batch_core.models import MeetingState, Stage
from batch_core.pipeline import extract_live, finish, prepare
from batch_core.pipeline.audit import audited
from batch_core.pipeline.economy import economy_insights, parse_custom_id
from batch_core.pipeline.extract import describe
from batch_core.pipeline.faults import ProviderFault
from batch_core.pipeline.pricing import cost_usd
from batch_core.pipeline.providers.batches import BATCH_PRICE_FACTOR, BatchAPI, BatchStatus, ItemResult
from batch_core.pipeline.providers.sdk import SdkProvider
from batch_core.pipeline.retry import ProviderRetry
from batch_core.pipeline.usage import usage_of
from batch_core.store.retry import call_with_retry

log = logging.getLogger(__name__)

EXPIRED = ("expired at the provider after 24 h: the provider did not run it within its completion "
           "window; retry the failed meetings (live or economy)")


@dataclass
class Collector:
    batch_id: str
    api: BatchAPI
    provider: SdkProvider
    config: Settings

    def poll_once(self) -> bool:
        """One look at every open provider batch (cancel first if asked); False when none is open."""
        ledger = call_with_retry(store.economy_ledger, self.batch_id)
        open_ones = [s for s in ledger["submissions"].values() if s["state"] == "sent"]
        if not open_ones:
            return False
        header = call_with_retry(store.header, self.batch_id) or {}
        for submission in open_ones:
            if header.get("cancel_requested") == "1" and not submission.get("cancel_sent"):
                self._cancel(submission)
            self._poll(submission, ledger["plans"])
        return True

    def cancel_open(self) -> None:
        """Cancel at the provider every provider batch still running (the app batch has ended)."""
        ledger = call_with_retry(store.economy_ledger, self.batch_id)
        for submission in ledger["submissions"].values():
            if submission["state"] == "sent" and not submission.get("cancel_sent"):
                self._cancel(submission)

    def _cancel(self, submission: dict[str, Any]) -> None:
        try:
            ProviderRetry(self.config).call(lambda: self.api.cancel(submission["provider_batch_id"]))
        except MeetingFailed as exc:
            log.warning("economy batch %s: cancel at the provider failed: %s", self.batch_id, exc)
            return
        submission["cancel_sent"] = True
        call_with_retry(store.save_submission, self.batch_id, submission)

    def _poll(self, submission: dict[str, Any], plans: dict[int, dict[str, Any]]) -> None:
        try:
            status = self.api.status(submission["provider_batch_id"])
        except ProviderFault as fault:  # the next poll asks again
            log.warning("economy batch %s: polling %s failed: %s", self.batch_id,
                        submission["provider_batch_id"], fault)
            return
        submission.update(status=status.status, counts=status.counts)
        call_with_retry(store.save_submission, self.batch_id, submission)
        if not status.ended:
            return
        try:
            answers, _ = ProviderRetry(self.config).call(lambda: list(self.api.results(status.id)))
        except MeetingFailed as exc:
            log.warning("economy batch %s: reading the results of %s failed: %s", self.batch_id, status.id, exc)
            return
        self._settle(submission, status, answers, plans)
        submission["state"] = "collected"
        call_with_retry(store.save_submission, self.batch_id, submission)

    def _settle(self, submission: dict[str, Any], status: BatchStatus, answers: list[ItemResult],
                plans: dict[int, dict[str, Any]]) -> None:
        by_meeting: dict[int, dict[int, ItemResult]] = {}
        for item in answers:
            parsed = parse_custom_id(item.custom_id)
            if parsed:
                by_meeting.setdefault(parsed[0], {})[parsed[1]] = item
        snap = call_with_retry(store.snapshot, self.batch_id)
        current = {row["index"]: row for row in (snap[1] if snap else [])}
        for index in submission["indexes"]:
            row = current.get(index)
            if not row or row["status"] != MeetingState.PROCESSING.value:
                continue  # settled before a crash, or canceled meanwhile (the moves check the owner)
            parts = int(plans.get(index, {}).get("parts") or 1)
            items = [by_meeting.get(index, {}).get(part) for part in range(1, parts + 1)]
            self._settle_meeting(index, row, items, status)

    def _settle_meeting(self, index: int, row: dict[str, Any], items: list[ItemResult | None],
                        status: BatchStatus) -> None:
        errored = next((i for i in items if i and i.outcome == "errored"), None)
        if errored is not None:
            rows.fail(self.batch_id, index, f"The provider's batch API refused this meeting: {errored.message}", 1)
        elif any(i and i.outcome == "expired" for i in items):
            rows.fail(self.batch_id, index, EXPIRED)
        elif any(i and i.outcome == "canceled" for i in items):
            rows.cancel(self.batch_id, index)
        elif any(i is None for i in items):
            said = f" (it said: {status.problem})" if status.problem else ""
            rows.fail(self.batch_id, index, f"The provider returned no answer for this meeting{said}.")
        else:
            self._complete(index, row, [i for i in items if i is not None], status.id)

    def _complete(self, index: int, row: dict[str, Any], items: list[ItemResult], provider_batch_id: str) -> None:
        queued = call_with_retry(store.get_item, self.batch_id, index)
        if queued is None:
            rows.fail(self.batch_id, index, "The meeting's input is no longer stored (the batch expired).")
            return
        clock = StageClock(self.batch_id, index)
        meter = batch_meter(self.batch_id)
        meeting_id = meeting_id_for(self.batch_id, index)
        try:
            ready = prepare(queued.meeting, redaction=queued.redaction)  # the stored input is redacted
            clock(Stage.EXTRACT)
            provider = self.provider
            used_batch_answers = True
            try:
                with audited(ready.audit, Stage.EXTRACT.value) as detail:
                    detail.update(provider=provider.name, model=provider.model, mode="economy",
                                  provider_batch_id=provider_batch_id)
                    extraction = economy_insights(provider, ready, items, meter)
                    detail.update(attempts=extraction.attempts, usage=meter.as_dict(), **describe(extraction))
            except ProviderFault as fault:
                ready.warnings.append(f"The answer from the provider's batch could not be used ({fault}); "
                                      "this meeting was extracted live, at the list price.")
                used_batch_answers = False
                live, extraction = extract_live(ready, meter, step="extract (live)")
                provider = live  # type: ignore[assignment]
            record = finish(ready, meeting_id, self.batch_id, provider, extraction, meter, clock)
        except MeetingFailed as exc:
            rows.fail(self.batch_id, index, str(exc), exc.attempts)
            return
        record = record.model_copy(update={"title_digest": queued.title_digest,
                                           "content_digest": queued.content_digest or None})
        clock(Stage.STORE)
        call_with_retry(store.save_record, record)
        remove_replaced(record, self.batch_id, queued.replaces)
        patch = {"meeting_id": meeting_id, "finished_at": store.utc_now(), "stage_ms": clock.finish(),
                 "duration_ms": rows.elapsed_ms(row), "progress": None, "usage": meter.as_dict()}
        call_with_retry(store.complete, self.batch_id, index, patch, owner_id(),
                        add_attempts=provider_attempts(record))
        if used_batch_answers:  # only answers that were used count as saved
            call_with_retry(store.add_saving, self.batch_id, self._saving(items))

    def _saving(self, items: list[ItemResult]) -> float:
        """What these answers would have cost at the list price, less what the batch price costs."""
        listed = sum(cost_usd(usage_of(i.answer), self.provider.model, self.config.llm_prices) for i in items)
        return round(listed * (1 - BATCH_PRICE_FACTOR), 8)
