"""Fixtures for the HTTP API tests: an in-process client over the real app and real Redis."""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from batch_core import config
from batch_core.access import tokens
from batch_core.api import create_app

TERMINAL = {"completed", "partial", "canceled"}


def transcript(topic: str) -> str:
    """A short but valid meeting (comfortably above the minimum word count)."""
    return (
        f"Alice: Good morning everyone, today we review the {topic} plan and agree on next steps.\n"
        f"Bob: The {topic} numbers look solid, so I think we should ship it in March.\n"
        f"Alice: Agreed, we will ship in March. Bob will write the {topic} release notes by Friday.\n"
        "Carol: I still wonder who owns customer support training after the launch.\n"
    )


def meeting(title: str, tier: str = "ordinary") -> dict:
    return {"title": title, "tier": tier, "transcript": transcript(title)}


def local_token() -> str:
    """The first-start admin token the app generates when no token is configured."""
    path = tokens.ensure_token()
    return (path or tokens.generated_token_path()).read_text().strip()


@pytest.fixture
def client():
    """An admin client: the API always needs a token, even on loopback."""
    app = create_app()
    with TestClient(app, headers={"Authorization": f"Bearer {local_token()}"}) as test_client:
        yield test_client


@pytest.fixture
def token(monkeypatch):
    monkeypatch.setenv("BATCH_API_TOKEN", "s3cret-token")
    config.reload_settings()
    yield "s3cret-token"
    monkeypatch.delenv("BATCH_API_TOKEN")
    config.reload_settings()


def wait_for_batch(client: TestClient, batch_id: str, headers: dict | None = None,
                   limit_seconds: float = 60.0) -> dict:
    """Poll the progress endpoint until the batch is terminal (the bound only prevents a hang)."""
    deadline = time.monotonic() + limit_seconds
    while True:
        response = client.get(f"/api/v1/meetings/batch/{batch_id}", headers=headers or {})
        assert response.status_code == 200, response.text
        body = response.json()
        if body["status"] in TERMINAL:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"batch {batch_id} still {body['status']} after {limit_seconds}s: {body}")
        time.sleep(0.05)
