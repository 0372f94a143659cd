"""Failures from a real (fake-server) LLM provider, seen through the API: retry and sync errors."""
from __future__ import annotations

from tests.api.conftest import meeting, wait_for_batch
from tests.fakes.llm_server import FakeResponse

BATCH = "/api/v1/meetings/batch"


def test_retry_requeues_failed_meetings_until_they_complete(client, llm_server, set_workers):
    set_workers(1)
    llm_server.enqueue(FakeResponse.error(400))  # not retried by the provider: the meeting fails
    batch_id = client.post(BATCH, json={"meetings": [meeting("Flaky"), meeting("Fine")]}).json()["batch_id"]
    first = wait_for_batch(client, batch_id)
    assert first["failed"] == 1 and first["completed"] == 1
    failed_row = next(r for r in first["results"] if r["status"] == "failed")
    assert failed_row["error"]

    response = client.post(f"{BATCH}/{batch_id}/retry")
    assert response.status_code == 200, response.text
    assert response.json()["requeued"] == 1
    second = wait_for_batch(client, batch_id)
    assert second["completed"] == 2 and second["failed"] == 0


def test_retry_without_failed_meetings_is_409(client):
    batch_id = client.post(BATCH, json={"meetings": [meeting("Nothing to retry")]}).json()["batch_id"]
    wait_for_batch(client, batch_id)
    response = client.post(f"{BATCH}/{batch_id}/retry")
    assert response.status_code == 409
    assert "no failed meetings" in response.json()["detail"]


def test_cancel_of_a_finished_batch_is_409(client):
    batch_id = client.post(BATCH, json={"meetings": [meeting("Done already")]}).json()["batch_id"]
    wait_for_batch(client, batch_id)
    response = client.post(f"{BATCH}/{batch_id}/cancel")
    assert response.status_code == 409
    assert "already completed" in response.json()["detail"]


def test_process_reports_a_provider_failure_as_422(client, llm_server):
    llm_server.enqueue(FakeResponse.error(400))
    response = client.post("/api/v1/meetings/process", json=meeting("Rejected by provider"))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("The meeting failed:")
    assert body["batch_id"]
    assert llm_server.request_count >= 1
