"""Bearer token, loopback-only binding, request size caps, CORS and error hygiene."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import batch_core
from batch_core import api, config
from tests.api.conftest import local_token, meeting

BATCH = "/api/v1/meetings/batch"


def test_every_endpoint_but_health_needs_the_token(token):
    with TestClient(api.create_app()) as client:
        calls = [("get", BATCH), ("post", BATCH), ("get", f"{BATCH}/b_x"),
                 ("post", f"{BATCH}/upload"), ("post", f"{BATCH}/b_x/cancel"),
                 ("post", f"{BATCH}/b_x/retry"), ("get", f"{BATCH}/b_x/results"),
                 ("post", "/api/v1/meetings/process"), ("get", "/api/v1/meetings/m_x"),
                 ("get", "/api/v1/access/audit"), ("get", "/api/v1/access/me")]
        for method, path in calls:
            missing = getattr(client, method)(path)
            wrong = getattr(client, method)(path, headers={"Authorization": "Bearer nope"})
            assert missing.status_code == 401, path
            assert wrong.status_code == 401, path
            assert missing.headers["WWW-Authenticate"] == "Bearer"
        assert "Missing bearer token" in client.get(BATCH).json()["detail"]
        assert client.get("/openapi.json").status_code == 401
        assert client.get("/health").status_code == 200


def test_the_right_token_is_accepted(token):
    with TestClient(api.create_app()) as client:
        headers = {"Authorization": f"Bearer {token}"}
        response = client.post(BATCH, json={"meetings": [meeting("Authorised")]}, headers=headers)
        assert response.status_code == 202
        assert client.get(BATCH, headers=headers).status_code == 200
        # Scheme is case-insensitive, the token is not.
        assert client.get(BATCH, headers={"Authorization": f"bearer {token}"}).status_code == 200
        assert client.get(BATCH, headers={"Authorization": f"Bearer {token.upper()}"}).status_code == 401
        assert client.get(BATCH, headers={"Authorization": f"Basic {token}"}).status_code == 401


def test_unauthorised_upload_is_refused_before_the_body_is_read(token, monkeypatch):
    monkeypatch.setattr(batch_core, "submit", lambda *a, **k: pytest.fail("must not submit"))
    with TestClient(api.create_app()) as client:
        response = client.post(f"{BATCH}/upload", files=[("files", ("a.txt", b"x" * 10_000))],
                               data={"tier": "ordinary"})
        assert response.status_code == 401


def test_token_comparison_uses_compare_digest(token, monkeypatch):
    from batch_core.access import tokens
    seen = []
    real = tokens.hmac.compare_digest
    monkeypatch.setattr(tokens.hmac, "compare_digest", lambda a, b: seen.append((a, b)) or real(a, b))
    assert tokens.principal_for(token, via="t").is_admin
    assert tokens.principal_for("nope", via="t") is None
    assert len(seen) == 2 and all(len(a) == len(b) == 64 for a, b in seen)  # SHA-256 hex, never the token


def test_main_warns_when_bound_beyond_loopback_with_loopback_hosts_only(monkeypatch, caplog):
    monkeypatch.setenv("BATCH_API_HOST", "0.0.0.0")
    monkeypatch.setenv("BATCH_API_ALLOWED_HOSTS", "localhost,127.0.0.1")
    config.reload_settings()
    import uvicorn
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.update(kwargs))
    api.main()
    assert started["host"] == "0.0.0.0"
    assert started["limit_concurrency"] == config.settings().api_max_concurrency + 1
    assert "BATCH_API_ALLOWED_HOSTS names only loopback" in caplog.text


def test_declared_oversized_body_is_413(client, monkeypatch):
    monkeypatch.setenv("INGEST_MAX_TOTAL_MB", "0.5")
    monkeypatch.setenv("INGEST_MAX_FILE_MB", "0.5")
    config.reload_settings()
    big = {"meetings": [{**meeting("Huge"), "transcript": "word " * 400_000}]}
    response = client.post(BATCH, json=big)
    assert response.status_code == 413
    assert "MB" in response.json()["detail"]
    assert batch_core.list_batches() == []


def test_streamed_oversized_body_without_length_is_413(client, monkeypatch):
    monkeypatch.setenv("INGEST_MAX_TOTAL_MB", "0.5")
    monkeypatch.setenv("INGEST_MAX_FILE_MB", "0.5")
    config.reload_settings()

    def chunks():
        yield b'{"meetings": [{"title": "x", "tier": "ordinary", "transcript": "'
        for _ in range(40):
            yield b"word " * 10_000
        yield b'"}]}'

    response = client.post(BATCH, content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert batch_core.list_batches() == []


def test_cors_is_off_unless_configured(monkeypatch):
    preflight = {"Origin": "https://intranet.example", "Access-Control-Request-Method": "POST"}
    with TestClient(api.create_app()) as client:
        response = client.options(BATCH, headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    monkeypatch.setenv("BATCH_API_CORS_ORIGINS", "https://intranet.example")
    config.reload_settings()
    with TestClient(api.create_app()) as client:
        response = client.options(BATCH, headers=preflight)
        assert response.headers["access-control-allow-origin"] == "https://intranet.example"
        other = client.options(BATCH, headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_unexpected_errors_are_500_without_a_stack_trace(monkeypatch):
    def explode(*_args, **_kwargs):
        raise KeyError("internal detail that must not leak")
    monkeypatch.setattr(batch_core, "list_batches", explode)
    with TestClient(api.create_app(), raise_server_exceptions=False,
                    headers={"Authorization": f"Bearer {local_token()}"}) as client:
        response = client.get(BATCH)
    assert response.status_code == 500
    assert response.json()["detail"].startswith("Internal error")
    assert "internal detail" not in response.text and "Traceback" not in response.text


def test_storage_outage_is_503_in_plain_words(monkeypatch):
    import socket
    with socket.socket() as sock:  # a port nothing listens on: a real refused connection
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{dead_port}/0")
    config.reload_settings()
    batch_core.reset_for_tests()
    with TestClient(api.create_app(), headers={"Authorization": f"Bearer {local_token()}"}) as client:
        response = client.get(f"{BATCH}/batch_0000beef")
        health = client.get("/health")
    assert response.status_code == 503
    assert "Redis" in response.json()["detail"]
    assert "Traceback" not in response.text
    assert health.status_code == 503
    assert health.json()["redis"] != "ok"
