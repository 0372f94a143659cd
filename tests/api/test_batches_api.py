"""JSON batch endpoints: submit, progress, list, cancel, results, idempotency."""
from __future__ import annotations

import json

import batch_core
from batch_core import config
from tests.api.conftest import meeting, wait_for_batch

BATCH = "/api/v1/meetings/batch"


def test_submit_returns_202_and_processes_every_meeting(client):
    response = client.post(BATCH, json={"meetings": [meeting("Roadmap"), meeting("Budget")],
                                        "on_duplicate": "skip"})
    assert response.status_code == 202, response.text
    body = response.json()
    assert set(body) >= {"batch_id", "total", "status", "submitted_at"}
    assert body["total"] == 2

    done = wait_for_batch(client, body["batch_id"])
    assert done["status"] == "completed"
    assert done["completed"] == 2 and done["failed"] == 0
    assert [r["title"] for r in done["results"]] == ["Roadmap", "Budget"]
    assert all(r["status"] == "completed" and r["meeting_id"] for r in done["results"])


def test_more_than_the_limit_is_422_naming_the_limit(client):
    meetings = [meeting(f"Meeting {i}") for i in range(51)]
    response = client.post(BATCH, json={"meetings": meetings})
    assert response.status_code == 422  # the schema caps the list, before any item is validated
    assert "50" in response.json()["detail"]
    assert batch_core.list_batches() == []


def test_invalid_tier_is_422_naming_the_field(client):
    bad = meeting("Roadmap")
    bad["tier"] = "secret"
    response = client.post(BATCH, json={"meetings": [meeting("Fine"), bad]})
    assert response.status_code == 422
    body = response.json()
    assert "meetings.1.tier" in body["detail"]
    assert body["errors"][0]["field"] == "meetings.1.tier"


def test_blank_title_is_422_naming_the_field(client):
    response = client.post(BATCH, json={"meetings": [{**meeting("x"), "title": "   "}]})
    assert response.status_code == 422
    assert "meetings.0.title" in response.json()["detail"]
    assert "empty" in response.json()["detail"]


def test_missing_meetings_and_bad_policy_are_422(client):
    assert client.post(BATCH, json={}).status_code == 422
    response = client.post(BATCH, json={"meetings": [meeting("A")], "on_duplicate": "merge"})
    assert response.status_code == 422
    assert "on_duplicate" in response.json()["detail"]


def test_malformed_json_is_422_without_a_trace(client):
    response = client.post(BATCH, content=b'{"meetings": [', headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "body: not valid JSON" in response.json()["detail"]
    assert "Traceback" not in response.text and "File \"" not in response.text


def test_unknown_batch_is_404(client):
    for path in ("", "/results"):
        response = client.get(f"{BATCH}/batch_0000dead{path}")
        assert response.status_code == 404
        assert "batch_0000dead" in response.json()["detail"]
    for action in ("cancel", "retry"):
        assert client.post(f"{BATCH}/batch_0000dead/{action}").status_code == 404


def test_expired_batch_is_404(client, redis_url):
    batch_id = client.post(BATCH, json={"meetings": [meeting("Short lived")]}).json()["batch_id"]
    wait_for_batch(client, batch_id)
    # Simulate the TTL running out: terminal batches expire as a whole.
    import redis
    raw = redis.Redis.from_url(redis_url)
    for key in raw.scan_iter(f"batch:{batch_id}*"):
        raw.delete(key)
    raw.close()
    assert client.get(f"{BATCH}/{batch_id}").status_code == 404


def test_list_is_newest_first_and_paginated(client):
    ids = []
    for i in range(3):
        response = client.post(BATCH, json={"meetings": [meeting(f"Listed {i}")]})
        ids.append(response.json()["batch_id"])
    for batch_id in ids:
        wait_for_batch(client, batch_id)

    first = client.get(BATCH, params={"limit": 2}).json()
    assert [b["batch_id"] for b in first["batches"]] == ids[::-1][:2]
    assert first["next_offset"] == 2
    second = client.get(BATCH, params={"limit": 2, "offset": first["next_offset"]}).json()
    assert [b["batch_id"] for b in second["batches"]] == [ids[0]]
    assert second["next_offset"] is None
    assert "results" not in first["batches"][0]


def test_list_rejects_out_of_range_paging(client):
    assert client.get(BATCH, params={"limit": 0}).status_code == 422
    assert client.get(BATCH, params={"offset": -1}).status_code == 422


def test_results_are_json_lines_of_processed_meetings(client):
    batch_id = client.post(BATCH, json={"meetings": [meeting("Alpha"), meeting("Beta")]}).json()["batch_id"]
    done = wait_for_batch(client, batch_id)
    response = client.get(f"{BATCH}/{batch_id}/results")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [r["meeting_id"] for r in records] == [r["meeting_id"] for r in done["results"]]
    assert {r["title"] for r in records} == {"Alpha", "Beta"}
    assert all(r["insights"]["summary"] for r in records)


def test_cancel_stops_queued_meetings(client, monkeypatch):
    monkeypatch.setenv("BATCH_MAX_WORKERS", "1")
    config.reload_settings()
    batch_core.reset_for_tests()
    meetings = [meeting(f"Cancel me {i}") for i in range(40)]
    batch_id = client.post(BATCH, json={"meetings": meetings}).json()["batch_id"]
    response = client.post(f"{BATCH}/{batch_id}/cancel")
    assert response.status_code == 200, response.text
    done = wait_for_batch(client, batch_id)
    assert done["status"] == "canceled"
    statuses = [r["status"] for r in done["results"]]
    assert "canceled" in statuses
    assert done["completed"] + statuses.count("canceled") + done["failed"] + done.get("skipped", 0) == 40


def test_idempotency_key_returns_the_same_batch(client):
    body = {"meetings": [meeting("Once only")]}
    headers = {"Idempotency-Key": "import-2024-05-01"}
    first = client.post(BATCH, json=body, headers=headers)
    second = client.post(BATCH, json=body, headers=headers)
    assert first.status_code == second.status_code == 202
    assert second.json()["batch_id"] == first.json()["batch_id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert len(batch_core.list_batches()) == 1

    other = client.post(BATCH, json=body, headers={"Idempotency-Key": "another-key"})
    assert other.json()["batch_id"] != first.json()["batch_id"]


def test_idempotency_key_is_kept_for_the_configured_ttl(client, redis_url, monkeypatch):
    import redis
    from batch_core import store
    body = {"meetings": [meeting("Kept a day")]}
    client.post(BATCH, json=body, headers={"Idempotency-Key": "day-key"})
    raw = redis.Redis.from_url(redis_url)
    assert 86_000 < raw.ttl(store.idempotency_key("day-key")) <= 86_400

    monkeypatch.setenv("BATCH_API_IDEMPOTENCY_TTL_SECONDS", "1")
    config.reload_settings()
    first = client.post(BATCH, json=body, headers={"Idempotency-Key": "short-key"}).json()
    assert 0 < raw.ttl(store.idempotency_key("short-key")) <= 1
    raw.delete(store.idempotency_key("short-key"))  # what that TTL does a second later
    raw.close()
    again = client.post(BATCH, json=body, headers={"Idempotency-Key": "short-key"}).json()
    assert again["batch_id"] != first["batch_id"]


def test_idempotency_key_reused_for_a_different_request_is_422(client):
    headers = {"Idempotency-Key": "reused"}
    assert client.post(BATCH, json={"meetings": [meeting("One")]}, headers=headers).status_code == 202
    response = client.post(BATCH, json={"meetings": [meeting("Two")]}, headers=headers)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]


def test_rejected_request_does_not_burn_its_idempotency_key(client):
    headers = {"Idempotency-Key": "fix-and-resend"}
    too_many = {"meetings": [meeting(f"M{i}") for i in range(51)]}
    assert client.post(BATCH, json=too_many, headers=headers).status_code == 422
    response = client.post(BATCH, json={"meetings": [meeting("Fixed")]}, headers=headers)
    assert response.status_code == 202


def test_idempotency_key_in_flight_is_409(client):
    from batch_core import store
    store.idempotency_reserve("busy-key", 60)  # what a concurrent first request holds
    response = client.post(BATCH, json={"meetings": [meeting("Busy")]},
                           headers={"Idempotency-Key": "busy-key"})
    assert response.status_code == 409
    assert batch_core.list_batches() == []


def test_invalid_idempotency_key_is_422(client):
    response = client.post(BATCH, json={"meetings": [meeting("K")]},
                           headers={"Idempotency-Key": "x" * 300})
    assert response.status_code == 422


def test_estimate_says_calls_tokens_and_cost_and_stores_nothing(client, monkeypatch):
    from batch_core import config
    from tests.pipeline.long_meeting import long_transcript
    monkeypatch.setenv("LLM_PROVIDER", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", "unused")
    monkeypatch.setenv("LLM_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("LLM_CONTEXT_TOKENS", "8192")
    config.reload_settings()
    body = {"meetings": [{"title": "Ops", "tier": "ordinary", "transcript": long_transcript(60)},
                         {"title": "Short", "tier": "sensitive", "transcript": long_transcript(5, tasks=2)}]}
    answer = client.post("/api/v1/meetings/batch/estimate", json=body)
    assert answer.status_code == 200, answer.text
    estimate = answer.json()
    assert estimate["meetings"] == 2 and estimate["model"] == "gpt-4o-mini"
    assert estimate["calls"] == estimate["parts"] + 1  # the long one has a summary call, the short one none
    assert estimate["parts"] >= 3 and estimate["input_tokens"] > 13000
    expected = (estimate["input_tokens"] * 0.15 + estimate["output_tokens"] * 0.60) / 1e6
    assert abs(estimate["cost_usd"] - expected) < 1e-6
    assert client.get("/api/v1/meetings/batch").json()["batches"] == []


def test_estimate_refuses_an_invalid_batch_in_plain_words(client):
    meeting = {"title": "x", "tier": "ordinary", "transcript": "Ann: hello there."}
    answer = client.post("/api/v1/meetings/batch/estimate", json={"meetings": [meeting] * 51})
    assert answer.status_code == 422
    assert "at most 50 meetings" in answer.text and "Traceback" not in answer.text
