"""Re-work: canceled meetings queued again, stored meetings reprocessed (the new result replaces
the old), batch names shown everywhere (redacted for a batch with sensitive meetings)."""
from __future__ import annotations

import os

import redis

import batch_core
from batch_core.store.sealing import is_sealed
from tests.fakes.llm_server import FakeResponse
from tests.waiting import wait_for


def _canceled_batch(llm_server, set_workers, make_meeting, tier="ordinary") -> str:
    set_workers(1)
    llm_server.default = FakeResponse.slow(1.0)
    batch_id = batch_core.submit([make_meeting(f"Rework {n}", tier=tier) for n in range(3)])["batch_id"]
    wait_for(lambda: batch_core.get(batch_id)["processing"] == 1, 30, "the first meeting to run")
    assert batch_core.cancel(batch_id)["canceled_now"] == 2
    llm_server.default = FakeResponse.ok()
    ended = batch_core.wait(batch_id, timeout=60)
    assert (ended["status"], ended["canceled"], ended["completed"]) == ("canceled", 2, 1)
    return batch_id


def test_canceled_meetings_can_be_queued_again(llm_server, set_workers, make_meeting):
    batch_id = _canceled_batch(llm_server, set_workers, make_meeting, tier="sensitive")
    items = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True).hgetall(f"batch:{batch_id}:items")
    assert len(items) == 2 and all(is_sealed(v) for v in items.values())  # kept, still sealed
    assert batch_core.requeue_canceled(batch_id)["requeued"] == 2
    again = batch_core.wait(batch_id, timeout=60)
    assert (again["status"], again["completed"], again["canceled"]) == ("completed", 3, 0)
    assert batch_core.audit_log(limit=5)[0]["action"] == "reprocess"


def test_a_stored_meeting_is_reprocessed_and_the_new_result_replaces_it(llm_server, make_meeting):
    first = batch_core.wait(batch_core.submit([make_meeting("Quarterly plan"), make_meeting(
        "HR follow-up", tier="sensitive")])["batch_id"], timeout=60)
    old_ids = [r["meeting_id"] for r in first["results"]]
    result = batch_core.reprocess_meetings(old_ids)
    assert result["name"] == "Reprocess of 2 meetings"
    second = batch_core.wait(result["batch_id"], timeout=60)
    assert second["completed"] == 2, [r["error"] for r in second["results"]]
    for old_id, row in zip(old_ids, second["results"]):
        assert batch_core.get_meeting(old_id) is None  # replaced once the new one was stored
        assert batch_core.get_meeting(row["meeting_id"])["provider"] == "openai"
    assert batch_core.count_meetings() == {"ordinary": 1, "sensitive": 1}


def test_a_batch_name_is_shown_and_redacted_for_sensitive_batches(llm_server, make_meeting):
    named = batch_core.submit([make_meeting("Named one")], name="  Sales\tarchive\x1b 2025 ")
    assert named["name"] == "Sales archive 2025"
    assert batch_core.list_batches()[0]["name"] == "Sales archive 2025"
    secret = batch_core.submit([make_meeting("Case", tier="sensitive")], name="Maria and Jonas interviews")
    assert "Maria" not in secret["name"] and "Jonas" not in secret["name"] and "interviews" in secret["name"]
    try:
        batch_core.submit([make_meeting("Long name")], name="x" * 121)
    except batch_core.BatchError as exc:
        assert "at most 120" in str(exc)
    else:
        raise AssertionError("a 121-character name was accepted")
