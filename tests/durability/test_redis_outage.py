"""Stop the redis-server mid-batch: shorter than the retry window, longer than it, and kill -9.

The batch runs in this process (thread pool) against the module's own redis-server, which is
stopped and restarted on the same port and data dir. BATCH_REDIS_RETRY_SECONDS is 3 here.
"""
from __future__ import annotations

import functools
import time

import batch_core
from tests.durability.invariant import assert_invariant
from tests.durability.meetings import meetings
from tests.waiting import wait_for

TOTAL = 12
# Reads fail with StorageUnavailable while the server is down: that counts as "not yet".
_wait = functools.partial(wait_for, ignore=(batch_core.StorageUnavailable,))


def _progress(batch_id: str, completed: int):
    batch = batch_core.get(batch_id)
    return batch if batch["completed"] >= completed else None


def _terminal(batch_id: str):
    batch = batch_core.get(batch_id)
    return batch if batch["status"] != "processing" else None


def _submit(fake_llm, set_workers) -> str:
    set_workers(2)
    fake_llm.default.delay = 0.3
    return batch_core.submit(meetings(TOTAL))["batch_id"]


def test_outage_shorter_than_the_window_lets_the_batch_finish(own_redis, redis_proc, fake_llm,
                                                             set_workers):
    batch_id = _submit(fake_llm, set_workers)
    _wait(lambda: _progress(batch_id, 3), 60, "three completed meetings")
    redis_proc.stop()
    time.sleep(1.0)
    redis_proc.start()
    done = _wait(lambda: _terminal(batch_id), 60, "the batch to finish")
    assert (done["status"], done["completed"], done["failed"]) == ("completed", TOTAL, 0), done
    assert_invariant(own_redis, [batch_id])


def test_outage_longer_than_the_window_ends_partial_then_retry_completes(
        own_redis, redis_proc, fake_llm, set_workers):
    batch_id = _submit(fake_llm, set_workers)
    before = _wait(lambda: _progress(batch_id, 3), 60, "three completed meetings")
    completed_before = {r["meeting_id"] for r in before["results"] if r["status"] == "completed"}
    redis_proc.stop()
    time.sleep(6.0)  # twice the retry window
    redis_proc.start()
    partial = _wait(lambda: _terminal(batch_id), 60, "the batch to settle")

    assert partial["status"] == "partial", partial
    assert partial["completed"] + partial["failed"] == TOTAL
    assert 0 < partial["failed"] and partial["queued"] == partial["processing"] == 0
    after_ids = {r["meeting_id"] for r in partial["results"] if r["status"] == "completed"}
    assert completed_before <= after_ids  # completed meetings keep their results
    for row in partial["results"]:
        if row["status"] == "failed":
            assert row["error"].startswith("storage unavailable"), row
    assert_invariant(own_redis, [batch_id])

    batch_core.retry_failed(batch_id)
    retried = _wait(lambda: _terminal(batch_id), 60, "the retried batch to finish")
    assert (retried["status"], retried["completed"], retried["failed"]) == ("completed", TOTAL, 0)
    assert_invariant(own_redis, [batch_id])


def test_redis_crash_keeps_everything_reported_a_second_earlier(own_redis, redis_proc, fake_llm,
                                                                set_workers):
    batch_id = _submit(fake_llm, set_workers)
    reported = _wait(lambda: _progress(batch_id, 4), 60, "four completed meetings")
    time.sleep(1.5)  # past the AOF everysec window
    redis_proc.kill()  # SIGKILL: no final fsync
    redis_proc.start()
    for row in reported["results"]:
        if row["status"] == "completed":
            assert batch_core.get_meeting(row["meeting_id"]) is not None, row
    done = _wait(lambda: _terminal(batch_id), 60, "the batch to finish")
    assert done["status"] == "completed" and done["completed"] == TOTAL, done
    for row in reported["results"]:
        if row["status"] == "completed":
            assert done["results"][row["index"]] == row
    assert_invariant(own_redis, [batch_id])
