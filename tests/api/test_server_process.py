"""`python -m batch_core.api` (what `make api` runs) serves the API over real HTTP."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

import batch_core
from tests.api.conftest import meeting
from tests.servers import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))



@pytest.fixture
def served_api(redis_url, tmp_path, request):
    port = free_port()
    extra = getattr(request, "param", {})
    env = {**os.environ, "REDIS_URL": redis_url, "BATCH_API_PORT": str(port),
           "BATCH_API_TOKEN": "process-token", "BATCH_DATA_DIR": str(tmp_path), **extra}
    process = subprocess.Popen([sys.executable, "-m", "batch_core.api"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"API did not start: {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_served_api_processes_a_batch_the_library_can_see(served_api):
    headers = {"Authorization": "Bearer process-token"}
    assert httpx.get(f"{served_api}/api/v1/meetings/batch").status_code == 401
    response = httpx.post(f"{served_api}/api/v1/meetings/batch", headers=headers,
                          json={"meetings": [meeting("Over real HTTP")]})
    assert response.status_code == 202, response.text
    batch_id = response.json()["batch_id"]
    # Processed by the server process's pool; this process only reads Redis.
    done = batch_core.wait(batch_id, timeout=60, poll=0.05)
    assert done["status"] == "completed" and done["completed"] == 1
    assert done["owner"] != batch_core.engine_info()["owner"]


def test_concurrent_requests_with_one_idempotency_key_create_one_batch(served_api):
    headers = {"Authorization": "Bearer process-token", "Idempotency-Key": "race-1"}
    body = {"meetings": [meeting("Raced")]}

    def send(_):
        return httpx.post(f"{served_api}/api/v1/meetings/batch", headers=headers, json=body)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(send, range(6)))
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {202, 409}, statuses
    batch_ids = {r.json()["batch_id"] for r in responses if r.status_code == 202}
    assert len(batch_ids) == 1
    assert len(batch_core.list_batches()) == 1


def _stalled_request(base: str) -> socket.socket:
    """A POST that promises 1000 bytes of body and sends 10: what a slowloris client does."""
    port = int(base.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(b"POST /api/v1/meetings/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Authorization: Bearer process-token\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000\r\n\r\n{\"meetings\"")
    return sock


@pytest.mark.parametrize("served_api", [{"BATCH_API_BODY_TIMEOUT_SECONDS": "2"}], indirect=True)
def test_a_stalled_request_body_is_cut_off_with_408(served_api):
    with _stalled_request(served_api) as sock:
        received = b""
        while chunk := sock.recv(4096):  # blocks until the server gives up on us, then closes
            received += chunk
    answer = received.decode("latin-1")
    assert answer.startswith("HTTP/1.1 408"), answer[:200]
    assert "stalled" in answer and "BATCH_API_BODY_TIMEOUT_SECONDS" in answer
    assert batch_core.list_batches() == []


@pytest.mark.parametrize("served_api", [{"BATCH_API_BODY_TIMEOUT_SECONDS": "20",
                                         "BATCH_API_MAX_CONCURRENCY": "2"}], indirect=True)
def test_beyond_the_concurrency_limit_requests_get_503_at_once(served_api):
    held = [_stalled_request(served_api), _stalled_request(served_api)]
    try:
        deadline = time.monotonic() + 15
        while True:  # the two stalled requests are taken up by the server within moments
            status = httpx.get(f"{served_api}/health", timeout=10).status_code
            if status == 503 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert status == 503
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 15
    while httpx.get(f"{served_api}/health", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "slots were not given back after the clients left"
        time.sleep(0.1)
