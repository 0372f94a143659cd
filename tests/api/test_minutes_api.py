"""Minutes over HTTP: Markdown or JSON per meeting, a zip per batch."""
from __future__ import annotations

import batch_core as core
from tests.api.conftest import meeting


def test_minutes_over_http(client):
    batch = client.post("/api/v1/meetings/batch", json={"meetings": [meeting("Planning")]}).json()
    done = core.wait(batch["batch_id"], timeout=60, poll=0.05)
    meeting_id = done["results"][0]["meeting_id"]
    markdown = client.get(f"/api/v1/meetings/{meeting_id}/minutes")
    assert markdown.status_code == 200 and markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# Planning")
    assert client.get(f"/api/v1/meetings/{meeting_id}/minutes?format=json").json()["meeting_id"] == meeting_id
    assert client.get(f"/api/v1/meetings/{meeting_id}/minutes?format=pdf").status_code == 422
    archive = client.get(f"/api/v1/meetings/batch/{batch['batch_id']}/minutes.zip")
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    assert client.get("/api/v1/meetings/meeting_000000000000/minutes").status_code == 404
