"""The HTTP API's principals and the attacks of the access issue, each as a regression test:
named tokens with roles on every route, foreign Host and Origin refused, ids validated, a
refused retry leaving the owner alone, bounded and cleaned text, a capped meetings list."""
from __future__ import annotations

import redis
import pytest
from fastapi.testclient import TestClient

import batch_core as core
from batch_core import config
from batch_core.access import tokens
from batch_core.api import create_app
from tests.api.conftest import meeting, wait_for_batch
from tests.ui.ui_support import sensitive_transcript

BATCH = "/api/v1/meetings/batch"


@pytest.fixture
def tokens_by_role(tmp_path, monkeypatch):
    monkeypatch.setenv("BATCH_API_TOKENS_FILE", str(tmp_path / "api_tokens.toml"))
    config.reload_settings()
    return {role: tokens.add_token(f"{role}-token", [role] if role != "viewer" else [])
            for role in ("viewer", "analyst", "sensitive", "admin")}


def _as(client: TestClient, token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(tokens_by_role):
    with TestClient(create_app()) as client:
        yield client


@pytest.fixture
def two_batches(api, tokens_by_role):
    admin = _as(api, tokens_by_role["admin"])
    ordinary = api.post(BATCH, json={"meetings": [meeting("Roadmap sync")]}, headers=admin).json()
    secret = api.post(BATCH, json={"meetings": [{"title": "HR case", "tier": "sensitive",
                                                 "transcript": sensitive_transcript()}]}, headers=admin).json()
    done = {name: wait_for_batch(api, b["batch_id"], headers=admin)
            for name, b in (("ordinary", ordinary), ("sensitive", secret))}
    return {name: (b["batch_id"], b["results"][0]["meeting_id"]) for name, b in done.items()}


ROUTE_MATRIX = [
    # (role, sees sensitive, may submit ordinary, may submit sensitive, may read audit)
    ("viewer", False, False, False, False),
    ("analyst", False, True, False, False),
    ("sensitive", True, False, True, False),
    ("admin", True, True, True, True),
]


@pytest.mark.parametrize("role, sees, ordinary_ok, sensitive_ok, audit_ok", ROUTE_MATRIX)
def test_every_route_answers_by_role(api, tokens_by_role, two_batches, role, sees, ordinary_ok,
                                     sensitive_ok, audit_ok):
    h = _as(api, tokens_by_role[role])
    batch_s, meeting_s = two_batches["sensitive"]
    batch_o, meeting_o = two_batches["ordinary"]
    listed = {b["batch_id"] for b in api.get(BATCH, headers=h).json()["batches"]}
    assert listed == ({batch_o, batch_s} if sees else {batch_o})
    assert api.get(f"{BATCH}/{batch_s}", headers=h).status_code == (200 if sees else 404)
    assert api.get(f"{BATCH}/{batch_s}/results", headers=h).status_code == (200 if sees else 404)
    assert api.get(f"/api/v1/meetings/{meeting_s}", headers=h).status_code == (200 if sees else 404)
    assert api.get(f"/api/v1/meetings/{meeting_o}", headers=h).status_code == 200
    assert api.get(f"{BATCH}/{batch_o}/results", headers=h).status_code == 200
    # Changing a batch needs the processing role; unseen batches stay unseen (404, not 403).
    retry = api.post(f"{BATCH}/{batch_o}/retry", headers=h)
    assert retry.status_code == (409 if ordinary_ok else 403), retry.text
    assert api.post(f"{BATCH}/{batch_s}/cancel", headers=h).status_code == (409 if sensitive_ok else 404 if not sees else 403)
    for tier, allowed in (("ordinary", ordinary_ok), ("sensitive", sensitive_ok)):
        body = {"meetings": [meeting(f"New {tier} by {role}", tier)]}
        assert api.post(BATCH, json=body, headers=h).status_code == (202 if allowed else 403)
        assert api.post(f"{BATCH}/estimate", json=body, headers=h).status_code == (200 if allowed else 403)
        upload = api.post(f"{BATCH}/upload", headers=h, data={"tier": tier},
                          files=[("files", ("a.txt", b"Alice: " + b"word " * 40))])
        assert upload.status_code == (202 if allowed else 403), upload.text
    process = api.post("/api/v1/meetings/process", headers=h, json=meeting(f"Sync call by {role}"))
    assert process.status_code == (200 if ordinary_ok else 403), process.text
    assert api.get(f"/api/v1/meetings/{meeting_s}/minutes", headers=h).status_code == (200 if sees else 404)
    assert api.get(f"{BATCH}/{batch_s}/minutes.zip", headers=h).status_code == (200 if sees else 404)
    assert api.get(f"/api/v1/meetings/{meeting_o}/minutes", headers=h).status_code == 200
    assert api.get("/api/v1/access/audit", headers=h).status_code == (200 if audit_ok else 403)
    assert api.get("/api/v1/access/me", headers=h).json()["name"] == f"{role}-token"


def test_sensitive_reads_over_http_are_audited_with_the_caller(api, tokens_by_role, two_batches):
    batch_s, meeting_s = two_batches["sensitive"]
    cleared = _as(api, tokens_by_role["sensitive"])
    assert api.get(f"/api/v1/meetings/{meeting_s}", headers=cleared).status_code == 200
    assert len(api.get(f"{BATCH}/{batch_s}/results", headers=cleared).text.splitlines()) == 1
    entries = api.get("/api/v1/access/audit", headers=_as(api, tokens_by_role["admin"])).json()["entries"]
    seen = [(e["action"], e["who"], e["via"].split()[0]) for e in entries if e["meeting_id"] == meeting_s]
    assert ("view", "sensitive-token", "api") in seen
    assert ("download", "sensitive-token", "api") in seen


def test_foreign_host_is_refused_before_anything_runs(api, tokens_by_role):
    admin = _as(api, tokens_by_role["admin"])
    response = api.get(BATCH, headers={**admin, "Host": "evil.example"})
    assert response.status_code == 400
    assert "not served here" in response.json()["detail"]
    assert api.get("/health", headers={"Host": "rebind.attacker.test:8000"}).status_code == 400
    assert api.get(BATCH, headers={**admin, "Host": "127.0.0.1:8000"}).status_code == 200


def test_cross_site_simple_post_is_refused(api, tokens_by_role):
    files = [("files", ("a.txt", b"Alice: " + b"word " * 40))]
    response = api.post(f"{BATCH}/upload", files=files, data={"tier": "ordinary"},
                        headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "Cross-site" in response.json()["detail"]
    assert core.list_batches() == []


def test_without_any_token_configured_the_api_still_needs_one(client):
    with TestClient(create_app()) as anonymous:
        assert anonymous.get(BATCH).status_code == 401
        assert anonymous.post(BATCH, json={"meetings": [meeting("x")]}).status_code == 401
    assert client.get(BATCH).status_code == 200  # the fixture carries the generated token


def test_health_is_terse_for_anonymous_callers(client):
    with TestClient(create_app()) as anonymous:
        assert anonymous.get("/health").json() == {"redis": "ok"}
    detailed = client.get("/health").json()
    assert detailed["redis"] == "ok" and "provider" in detailed


@pytest.mark.parametrize("path", [f"{BATCH}/batch_xxxxxxxx:items/retry", f"{BATCH}/batch_1/cancel",
                                  f"{BATCH}/BATCH_DEADBEEF", "/api/v1/meetings/meeting_zz"])
def test_malformed_ids_are_422_and_write_nothing(client, redis_url, path):
    method = client.post if path.endswith(("retry", "cancel")) else client.get
    response = method(path)
    assert response.status_code == 422, response.text
    assert redis.Redis.from_url(redis_url).keys("*") == []


def test_a_refused_retry_keeps_the_running_owner(client, redis_url):
    batch_id = client.post(BATCH, json={"meetings": [meeting("Owner check")]}).json()["batch_id"]
    wait_for_batch(client, batch_id)
    raw = redis.Redis.from_url(redis_url, decode_responses=True)
    raw.hset(f"batch:{batch_id}", mapping={"owner": "other-host:1:abc", "lease_until": "9999999999.000"})
    assert client.post(f"{BATCH}/{batch_id}/retry").status_code == 409
    assert raw.hget(f"batch:{batch_id}", "owner") == "other-host:1:abc"


def test_text_fields_are_bounded_and_cleaned(client):
    long_title = client.post(BATCH, json={"meetings": [{**meeting("x"), "title": "t" * 1_000_000}]})
    assert long_title.status_code == 422 and "at most 300" in long_title.json()["detail"]
    markup = client.post(BATCH, json={"meetings": [{**meeting("x"), "meeting_date": "<b>2026</b>"}]})
    assert markup.status_code == 422 and "ISO date" in markup.json()["detail"]
    hidden = client.post(BATCH, json={"meetings": [{**meeting("x"), "title": "Pay\u202eroll\x00 review",
                                                    "meeting_date": "2026-03-05"}]})
    assert hidden.status_code == 202
    batch = wait_for_batch(client, hidden.json()["batch_id"])
    record = client.get(f"/api/v1/meetings/{batch['results'][0]['meeting_id']}").json()
    assert (record["title"], record["meeting_date"]) == ("Payroll review", "2026-03-05")


def test_meetings_list_is_capped_in_the_schema(client):
    response = client.post(BATCH, json={"meetings": [meeting("m")] * 5000})
    assert response.status_code == 422
    assert "at most 50 meetings" in response.json()["detail"]
    schema = client.get("/openapi.json").json()["components"]["schemas"]["BatchSubmitRequest"]
    assert schema["properties"]["meetings"]["maxItems"] == 50
