"""Single-meeting endpoints and health; the library sees what the API submitted."""
from __future__ import annotations

import batch_core
from batch_core import config
from tests.api.conftest import meeting, wait_for_batch

PROCESS = "/api/v1/meetings/process"


def test_process_returns_the_stored_record(client):
    response = client.post(PROCESS, json=meeting("Synchronous review"))
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["title"] == "Synchronous review"
    assert record["insights"]["summary"]
    assert {"Alice", "Bob"} <= set(record["speakers"])
    # Stored like any other meeting: readable over HTTP and through the library.
    again = client.get(f"/api/v1/meetings/{record['meeting_id']}")
    assert again.status_code == 200
    assert again.json() == record
    assert batch_core.get_meeting(record["meeting_id"])["title"] == "Synchronous review"


def test_process_sensitive_meeting_is_redacted(client):
    body = meeting("Payroll", tier="sensitive")
    body["transcript"] += "Bob: Mail me at bob.smith@example.com or call +47 912 34 567 today please.\n"
    response = client.post(PROCESS, json=body)
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["redacted"] is True
    assert "bob.smith@example.com" not in record["transcript"]


def test_process_duplicate_is_422_naming_the_existing_meeting(client):
    first = client.post(PROCESS, json=meeting("Weekly sync")).json()
    response = client.post(PROCESS, json=meeting("Weekly sync"))
    assert response.status_code == 422
    body = response.json()
    assert "skipped" in body["detail"]
    assert first["meeting_id"] in body["detail"]


def test_process_invalid_tier_is_422(client):
    response = client.post(PROCESS, json={**meeting("x"), "tier": "public"})
    assert response.status_code == 422
    assert "tier" in response.json()["detail"]


def test_process_that_outlasts_the_timeout_answers_202_with_the_batch(client, monkeypatch):
    monkeypatch.setenv("BATCH_API_PROCESS_TIMEOUT_SECONDS", "0")
    monkeypatch.setenv("BATCH_MAX_WORKERS", "1")
    config.reload_settings()
    batch_core.reset_for_tests()
    # Keep the only worker busy so the synchronous meeting is certainly still queued.
    client.post("/api/v1/meetings/batch", json={"meetings": [meeting(f"Busy {i}") for i in range(10)]})
    response = client.post(PROCESS, json=meeting("Slow one"))
    assert response.status_code == 202, response.text
    batch_id = response.json()["batch_id"]
    assert response.headers["Location"] == f"/api/v1/meetings/batch/{batch_id}"
    assert wait_for_batch(client, batch_id)["completed"] == 1


def test_unknown_meeting_is_404(client):
    response = client.get("/api/v1/meetings/meeting_000000000000")
    assert response.status_code == 404
    assert "meeting_000000000000" in response.json()["detail"]


def test_health_reports_redis_and_provider(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["redis"] == "ok"
    assert "provider" in body


def test_batch_submitted_over_http_is_visible_through_the_library(client):
    """What the dashboard reads: the same batch, the same rows, the same stored meetings."""
    response = client.post("/api/v1/meetings/batch",
                           json={"meetings": [meeting("Seen by dashboard"), meeting("Second")]})
    batch_id = response.json()["batch_id"]
    assert batch_id in [b["batch_id"] for b in batch_core.list_batches()]
    over_http = wait_for_batch(client, batch_id)
    in_library = batch_core.get(batch_id)
    assert in_library["status"] == over_http["status"] == "completed"
    assert [r["meeting_id"] for r in in_library["results"]] == \
        [r["meeting_id"] for r in over_http["results"]]
    titles = {m["title"] for m in batch_core.list_meetings()}
    assert {"Seen by dashboard", "Second"} <= titles
