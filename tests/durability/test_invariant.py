"""The invariant checker itself: silent on a sound batch, loud on each kind of damage."""
from __future__ import annotations

import json

import pytest

import batch_core
from batch_core import store
from tests.durability.invariant import invariant_violations
from tests.durability.meetings import meetings


@pytest.fixture
def finished(own_redis):
    batch_id = batch_core.submit(meetings(3))["batch_id"]
    batch = batch_core.wait(batch_id, timeout=60, poll=0.05)
    assert batch["status"] == "completed"
    assert invariant_violations(own_redis, [batch_id]) == []
    return own_redis, batch


def test_a_counter_that_disagrees_with_the_rows_is_reported(finished):
    client, batch = finished
    client.hincrby(store.batch_key(batch["batch_id"]), "completed", 1)
    assert any("counter completed=4" in p for p in invariant_violations(client, [batch["batch_id"]]))


def test_a_completed_meeting_without_its_record_is_reported(finished):
    client, batch = finished
    row = batch["results"][1]
    client.delete(store.meeting_key("ordinary", row["meeting_id"]))
    assert any("no record" in p for p in invariant_violations(client, [batch["batch_id"]]))


def test_an_orphan_or_duplicate_record_is_reported(finished):
    client, batch = finished
    record = json.loads(client.get(store.meeting_key("ordinary", batch["results"][0]["meeting_id"])))
    record["meeting_id"] = "meeting_000000000000"
    client.set(store.meeting_key("ordinary", record["meeting_id"]), json.dumps(record))
    problems = invariant_violations(client, [batch["batch_id"]])
    assert any("no completed row owns them" in p for p in problems)
    assert any("duplicate stored records" in p for p in problems)


def test_an_unfinished_row_in_a_terminal_batch_is_reported(finished):
    client, batch = finished
    key = store.results_key(batch["batch_id"])
    row = json.loads(client.hget(key, store.field(2)))
    row["status"] = "processing"
    client.hset(key, store.field(2), json.dumps(row))
    client.hincrby(store.batch_key(batch["batch_id"]), "completed", -1)
    client.hincrby(store.batch_key(batch["batch_id"]), "processing", 1)
    problems = invariant_violations(client, [batch["batch_id"]])
    assert any("still queued/processing" in p for p in problems), problems
