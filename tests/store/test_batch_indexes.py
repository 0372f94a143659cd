"""The batch indexes at scale: `batches:active` holds exactly the running batches (kept by the
same Lua steps that change their status), and expired entries of `batches` are pruned by age."""
from __future__ import annotations

import redis

import batch_core
from batch_core import store
from batch_core.store import batches as store_batches
from tests.fakes.llm_server import FakeResponse


def _active(redis_url) -> set[str]:
    return set(redis.Redis.from_url(redis_url, decode_responses=True).zrange("batches:active", 0, -1))


def test_the_active_index_follows_the_status(redis_url, make_meeting, llm_server, set_workers):
    set_workers(1)
    llm_server.enqueue(FakeResponse.error(500), FakeResponse.error(500), FakeResponse.error(500))
    batch = batch_core.submit([make_meeting("Will fail once")])
    assert batch["batch_id"] in _active(redis_url) or batch_core.get(batch["batch_id"])["status"] != "processing"
    done = batch_core.wait(batch["batch_id"], timeout=60, poll=0.05)
    assert done["failed"] == 1
    assert _active(redis_url) == set()
    batch_core.retry_failed(batch["batch_id"])  # processing again: back in the index
    assert batch["batch_id"] in _active(redis_url) or batch_core.get(batch["batch_id"])["status"] != "processing"
    assert batch_core.wait(batch["batch_id"], timeout=60, poll=0.05)["completed"] == 1
    assert _active(redis_url) == set()
    assert store.owners_in_progress() == []


def test_batches_running_before_the_index_existed_are_found(redis_url, make_meeting, monkeypatch):
    raw = redis.Redis.from_url(redis_url, decode_responses=True)
    raw.hset("batch:batch_0ld00001", mapping={"batch_id": "batch_0ld00001", "status": "processing",
                                               "owner": "oldhost:1:x", "total": 0})
    raw.zadd("batches", {"batch_0ld00001": 1.0})
    monkeypatch.setattr(store_batches, "_active_index_checked", False)
    assert store.owners_in_progress() == [("batch_0ld00001", "oldhost:1:x")]
    assert _active(redis_url) == {"batch_0ld00001"}
    raw.hset("batch:batch_0ld00001", "status", "completed")  # ended where no script saw it
    assert store.owners_in_progress() == [] and _active(redis_url) == set()


def test_expired_batches_are_pruned_from_the_index_by_age(redis_url, make_meeting):
    kept = batch_core.wait(batch_core.submit([make_meeting("Kept")])["batch_id"], timeout=60, poll=0.05)
    raw = redis.Redis.from_url(redis_url, decode_responses=True)
    raw.zadd("batches", {f"batch_{n:08x}": 1.0 + n for n in range(5)})  # their keys expired long ago
    assert store.prune_batch_index(older_than_seconds=3600) == 5
    assert raw.zrange("batches", 0, -1) == [kept["batch_id"]]
    assert store.prune_batch_index(older_than_seconds=0) == 0  # a batch still stored stays
