"""The engine's pure threading pieces on their own (no Redis, no processes): the API-key probe,
the task tracker, and the storage-outage memory with its retry window."""
from __future__ import annotations

import threading
import time

import pytest
import redis

from batch_core import config
from batch_core.engine import key_probe
from batch_core.engine.key_probe import KeyGate
from batch_core.engine.tracking import _Tracker
from batch_core.errors import ProviderAuthError
from batch_core.store import retry


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv("LLM_PROVIDER", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", "k1")
    config.reload_settings()
    yield
    config.reload_settings()


def test_first_calls_never_wait_for_a_key_to_be_proven(keyed):
    gate = KeyGate()
    entered = threading.Barrier(4, timeout=5)

    def meeting() -> None:
        gate.enter("batch_a")
        entered.wait()  # all four are past the gate at the same time: nobody waited for a probe

    threads = [threading.Thread(target=meeting) for _ in range(3)]
    for thread in threads:
        thread.start()
    entered.wait()
    for thread in threads:
        thread.join(5)


def test_a_rejected_key_fails_the_later_meetings_of_that_batch_only(keyed):
    gate = KeyGate()
    gate.enter("batch_a")
    gate.rejected("batch_a", "provider rejected the API key (401)")
    with pytest.raises(ProviderAuthError, match="401"):
        gate.enter("batch_a")
    gate.enter("batch_b")  # another batch calls again (the key may have been fixed)


def test_rejections_are_remembered_for_a_bounded_number_of_batches(keyed):
    gate = KeyGate()
    for n in range(key_probe.MAX_REMEMBERED_REJECTIONS + 50):
        gate.enter(f"batch_{n}")
        gate.rejected(f"batch_{n}", "no")
    assert len(gate._rejected) == key_probe.MAX_REMEMBERED_REJECTIONS


def test_the_offline_provider_never_waits(monkeypatch):
    monkeypatch.setenv("LLM_PROVIDER", "local")
    config.reload_settings()
    gate = KeyGate()
    gate.enter("batch_a")
    done = threading.Event()
    threading.Thread(target=lambda: (gate.enter("batch_a"), done.set())).start()
    assert done.wait(5)


def test_the_tracker_knows_queued_running_and_lost_work():
    tracker = _Tracker()
    tracker.scheduled("batch_a", 0)
    assert tracker.is_known("batch_a", 0) and not tracker.is_running("batch_a", 0)
    with tracker.running("batch_a", 0):
        assert tracker.is_running("batch_a", 0)
    assert not tracker.is_known("batch_a", 0)
    tracker.mark_lost("batch_a")
    assert tracker.lost() == {"batch_a"} and tracker.is_lost("batch_a")
    tracker.settled("batch_a")
    assert not tracker.is_lost("batch_a")
    tracker.scheduled("batch_b", 1)
    tracker.reset()
    assert not tracker.is_known("batch_b", 1)


def test_an_outage_outlasting_the_window_is_remembered_and_later_calls_fail_fast():
    retry.outage.clear()
    calls = []

    def down():
        calls.append(time.monotonic())
        raise redis.ConnectionError("connection refused")

    retry.forget_thread_loss()
    with pytest.raises(retry.StorageLost, match="did not come back within 0.3 s"):
        retry.call_with_retry(down, window=0.3)
    assert len(calls) > 1 and retry.outage.active and retry.thread_lost_storage()
    calls.clear()
    with pytest.raises(retry.StorageLost):
        retry.call_with_retry(down, window=30)  # no new 30 s wait while the outage is known
    assert len(calls) == 1
    assert retry.call_with_retry(lambda: "back") == "back"  # the first answer clears it
    assert not retry.outage.active
