"""Re-work over HTTP: a named batch, its canceled meetings queued again, stored meetings reprocessed."""
from __future__ import annotations

import batch_core
from tests.api.conftest import meeting, wait_for_batch
from tests.fakes.llm_server import FakeResponse
from tests.waiting import wait_for

BATCH = "/api/v1/meetings/batch"


def test_name_requeue_and_reprocess(client, llm_server, set_workers):
    set_workers(1)
    llm_server.default = FakeResponse.slow(1.0)
    body = client.post(BATCH, json={"meetings": [meeting(f"Call {n}") for n in range(3)], "name": "Old calls"}).json()
    assert body["name"] == "Old calls"
    wait_for(lambda: batch_core.get(body["batch_id"])["processing"] == 1, 30, "the first meeting to run")
    assert client.post(f"{BATCH}/{body['batch_id']}/cancel").status_code == 200
    llm_server.default = FakeResponse.ok()
    canceled = wait_for_batch(client, body["batch_id"])
    assert (canceled["canceled"], canceled["name"]) == (2, "Old calls")
    requeued = client.post(f"{BATCH}/{body['batch_id']}/requeue-canceled")
    assert requeued.status_code == 200 and requeued.json()["requeued"] == 2
    done = wait_for_batch(client, body["batch_id"])
    assert done["completed"] == 3
    again = client.post(f"{BATCH}/{body['batch_id']}/requeue-canceled")
    assert again.status_code == 409 and "no canceled meetings" in again.text

    first = done["results"][0]["meeting_id"]
    reprocessed = client.post("/api/v1/meetings/reprocess", json={"meeting_ids": [first]})
    assert reprocessed.status_code == 202, reprocessed.text
    after = wait_for_batch(client, reprocessed.json()["batch_id"])
    assert after["completed"] == 1 and client.get(f"/api/v1/meetings/{first}").status_code == 404
    missing = client.post("/api/v1/meetings/reprocess", json={"meeting_ids": ["meeting_000000000000"]})
    assert missing.status_code == 400
