"""One thread per economy batch, in the process that holds the batch's lease.

The pool (engine/pool.py) starts it wherever it would schedule the batch's meetings: at submit,
after retry_failed, and when it adopts the batch of a process that died (the ledger then tells
which meetings are already at the provider). The lease is renewed by the pool's heartbeat like
any batch's; the thread ends when every provider batch is collected, or when the process stops
(the next owner goes on polling the same provider batches).
"""
from __future__ import annotations

import logging
import threading

from batch_core import store
from batch_core.config import settings
from batch_core.engine.economy import rows
from batch_core.engine.economy.collecting import Collector
from batch_core.engine.economy.sending import Sender
from batch_core.engine.identity import owner_id
from batch_core.engine.processing import compact_after_sensitive
from batch_core.errors import BatchError, MeetingFailed, StorageUnavailable
from batch_core.models import BatchMode, BatchState, MeetingState
from batch_core.pipeline.providers import get_provider
from batch_core.pipeline.providers.batches import batch_api
from batch_core.pipeline.providers.sdk import SdkProvider
from batch_core.store.retry import call_with_retry

log = logging.getLogger(__name__)

_lock = threading.Lock()
_threads: dict[str, threading.Thread] = {}
_stop = threading.Event()


def drive(batch_id: str) -> None:
    """Run the economy batch here, unless a thread of this process already does."""
    with _lock:
        running = _threads.get(batch_id)
        if running is not None and running.is_alive():
            return
        _stop.clear()
        thread = threading.Thread(target=_run, args=(batch_id,), name=f"economy-{batch_id}", daemon=True)
        _threads[batch_id] = thread
        thread.start()


def is_driving(batch_id: str) -> bool:
    with _lock:
        thread = _threads.get(batch_id)
        return thread is not None and thread.is_alive()


def stop_all(wait: bool = True, timeout: float = 30.0) -> None:
    """Stop polling (this process is shutting down); the batches stay with their provider batches."""
    _stop.set()
    with _lock:
        threads = list(_threads.values())
    if wait:
        for thread in threads:
            thread.join(timeout)


def _run(batch_id: str) -> None:
    try:
        _drive(batch_id)
    except StorageUnavailable as exc:  # the lease runs out; whoever adopts the batch goes on
        log.error("economy batch %s paused: %s", batch_id, exc)
    except Exception:
        log.exception("economy batch %s stopped unexpectedly", batch_id)
    finally:
        with _lock:
            if _threads.get(batch_id) is threading.current_thread():
                del _threads[batch_id]


def _drive(batch_id: str) -> None:
    config = settings()
    header = call_with_retry(store.header, batch_id)
    if header is None:
        return
    try:
        api = batch_api(config)
        provider = get_provider(config)
        if not isinstance(provider, SdkProvider):
            raise BatchError(f"the {provider.name} provider has no economy mode")
    except (BatchError, MeetingFailed) as exc:
        _fail_unsent(batch_id, str(exc))
        return
    call_with_retry(store.keep_ledger, batch_id)
    collector = Collector(batch_id, api, provider, config)
    if header.get("status") == BatchState.PROCESSING.value:
        if not _follow(batch_id, Sender(batch_id, api, provider, config), collector):
            return  # this process stops; the next owner goes on
    else:  # ended while nobody held it (an adoption settled a pending cancel): stop the provider too
        collector.cancel_open()
    call_with_retry(store.expire_ledger, batch_id)
    compact_after_sensitive(batch_id)


def _follow(batch_id: str, sender: Sender, collector: Collector) -> bool:
    """Send what is queued (at first, and after a retry re-queued meetings), poll with backoff
    until nothing is open at the provider. False if the process stopped first."""
    config = settings()
    delay = max(0.05, config.economy_poll_seconds)
    while not _stop.is_set():
        if call_with_retry(store.header, batch_id) is None:
            return True  # expired or deleted meanwhile
        # A retry may have switched the batch to live: its queued meetings are the pool's then.
        economy = call_with_retry(store.batch_mode, batch_id) == BatchMode.ECONOMY.value
        if economy and call_with_retry(store.queued_indexes, batch_id):
            sender.run()
            delay = max(0.05, config.economy_poll_seconds)
        if not collector.poll_once() and not (economy and call_with_retry(store.queued_indexes, batch_id)):
            return True
        if _stop.wait(delay):
            break
        delay = min(delay * 1.5, max(delay, config.economy_poll_max_seconds))
    return False


def _fail_unsent(batch_id: str, message: str) -> None:
    """The configuration cannot send an economy batch: nothing was sent, every meeting fails."""
    call_with_retry(store.fail_queued, batch_id, {"error": message, "finished_at": store.utc_now()})
    snap = call_with_retry(store.snapshot, batch_id)
    for row in snap[1] if snap else []:
        if row["status"] == MeetingState.PROCESSING.value and row.get("owner") == owner_id():
            rows.fail(batch_id, row["index"], message)
