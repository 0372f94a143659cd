"""Economy mode over HTTP: "mode": "economy" in the JSON submit, the provider side in the progress,
a plain refusal where the provider has no batch API, and a retry that switches mode."""
from __future__ import annotations

from batch_core import config
from tests.api.conftest import meeting, wait_for_batch
from tests.fakes.llm_server import FakeResponse

BATCH = "/api/v1/meetings/batch"


def test_an_economy_batch_over_http(client, llm_server, monkeypatch):
    monkeypatch.setenv("BATCH_ECONOMY_POLL_SECONDS", "0.05")
    monkeypatch.setenv("BATCH_ECONOMY_POLL_MAX_SECONDS", "0.2")
    config.reload_settings()
    llm_server.batches.item_seconds = 0.01
    llm_server.plan = lambda r: FakeResponse.expired() if getattr(r, "via_batch", False) and "Late" in (r.title or "") else None
    response = client.post(BATCH, json={"meetings": [meeting("Roadmap"), meeting("Late budget")], "mode": "economy"})
    assert response.status_code == 202, response.text
    assert response.json()["mode"] == "economy"
    done = wait_for_batch(client, response.json()["batch_id"])
    assert (done["mode"], done["completed"], done["failed"]) == ("economy", 1, 1)
    assert done["economy"]["provider_batches"][0]["id"] == llm_server.batches.creates[0]
    assert "expired at the provider" in next(r["error"] for r in done["results"] if r["status"] == "failed")

    retried = client.post(f"{BATCH}/{done['batch_id']}/retry", params={"mode": "live"})
    assert retried.status_code == 200, retried.text
    again = wait_for_batch(client, done["batch_id"])
    assert (again["mode"], again["completed"], again["failed"]) == ("live", 2, 0)
    assert len(llm_server.batches.creates) == 1


def test_economy_with_the_local_provider_is_refused_in_plain_words(client):
    response = client.post(BATCH, json={"meetings": [meeting("Roadmap")], "mode": "economy"})
    assert response.status_code in (400, 422), response.text
    assert "local provider has no economy mode" in response.text
    bad = client.post(BATCH, json={"meetings": [meeting("Roadmap")], "mode": "cheap"})
    assert bad.status_code == 422
