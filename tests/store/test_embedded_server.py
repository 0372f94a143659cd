"""The embedded redis-server: one per data dir for all processes, never someone else's, stoppable."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import batch_core
from batch_core.store import client as redis_server
from batch_core.config import reload_settings
from tests.servers import servers_using

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_racing_processes_get_exactly_one_server(embedded):
    data_dir, env = embedded
    code = "from batch_core.store import client as redis_server; print(redis_server.ensure_server())"
    with ThreadPoolExecutor(6) as pool:
        runs = list(pool.map(lambda _: _run(code, env), range(6)))
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    urls = {r.stdout.strip() for r in runs}
    assert len(urls) == 1
    url = urls.pop()
    assert url == f"unix://{data_dir.resolve() / 'redis' / 'redis.sock'}"
    assert len(servers_using(data_dir.resolve())) == 1
    # This process adopts the same server instead of starting another one.
    assert redis_server.ensure_server() == url
    redis_server.get_client().set("shared", "yes")
    assert _run("from batch_core.store import client as redis_server; print(redis_server.get_client().get('shared'))",
                env).stdout.strip() == "yes"
    client = redis_server.get_client()
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    assert client.config_get("appendfsync") == {"appendfsync": "everysec"}


def test_redis_stop_command_stops_it(embedded):
    data_dir, env = embedded
    redis_server.ensure_server()
    assert len(servers_using(data_dir.resolve())) == 1
    stopped = subprocess.run([sys.executable, "-m", "batch_core", "redis", "stop"], env=env,
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 0 and "Stopped the embedded Redis" in stopped.stdout
    assert servers_using(data_dir.resolve()) == []
    again = subprocess.run([sys.executable, "-m", "batch_core", "redis", "stop"], env=env,
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "No embedded Redis is running" in again.stdout


def test_a_server_that_is_not_ours_is_never_adopted(embedded, redis_url):
    data_dir, _ = embedded
    url_file = data_dir.resolve() / "redis" / "redis.url"
    url_file.parent.mkdir(parents=True)
    url_file.write_text(redis_url)  # the test session's server: its dir is elsewhere
    url = redis_server.ensure_server()
    assert url != redis_url and url.startswith("unix://")
    assert url_file.read_text() == url


def test_long_data_dir_falls_back_to_a_password_protected_local_port(embedded, monkeypatch,
                                                                      tmp_path):
    import redis

    deep = tmp_path / ("d" * 60) / ("e" * 60)
    monkeypatch.setenv("BATCH_DATA_DIR", str(deep))
    reload_settings()
    try:
        url = redis_server.ensure_server()
        assert url.startswith("redis://:") and "@127.0.0.1:" in url  # never without a password
        assert redis_server.get_client().ping()
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        stranger = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
        with pytest.raises(redis.AuthenticationError):
            stranger.get("anything")
        recorded = deep / "redis" / "redis.url"
        assert recorded.stat().st_mode & 0o777 == 0o600  # the file holding the password
        assert "***" in redis_server.describe_url(url) and url.split("@")[0][9:] not in \
            redis_server.describe_url(url)
    finally:
        batch_core.reset_for_tests()
        redis_server.stop()


def test_data_survives_a_server_restart(embedded, make_meeting):
    batch_id = batch_core.submit([make_meeting()])["batch_id"]
    assert batch_core.wait(batch_id, timeout=60, poll=0.05)["completed"] == 1
    batch_core.reset_for_tests()
    assert "Stopped" in redis_server.stop()
    batch = batch_core.get(batch_id)  # starts the server again on the same AOF
    assert batch is not None and batch["completed"] == 1
    assert batch_core.get_meeting(batch["results"][0]["meeting_id"]) is not None


def test_unreachable_redis_fails_fast_with_a_clear_error(monkeypatch):
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{port}/0")
    reload_settings()
    batch_core.reset_for_tests()
    with pytest.raises(batch_core.StorageUnavailable, match=rf"Redis is not reachable at redis://127.0.0.1:{port}/0"):
        batch_core.get("batch_12345678")
    with pytest.raises(batch_core.StorageUnavailable):
        batch_core.submit([{"title": "t", "tier": "ordinary", "transcript": "word " * 30}])
    assert "not reachable" in batch_core.health()["redis"]
    retry = redis_server.get_client().get_retry()
    assert retry is not None and retry.get_retries() == 0, "no hidden retry loop"


def test_embedded_data_is_private_with_no_snapshots_and_a_rewritten_aof(embedded, make_meeting):
    data_dir, _ = embedded
    batch_id = batch_core.submit([make_meeting(tier="sensitive")])["batch_id"]
    assert batch_core.wait(batch_id, timeout=60, poll=0.05)["completed"] == 1
    client = redis_server.get_client()
    assert client.config_get("save")["save"] == ""  # no RDB snapshots
    # The ended sensitive batch asked for an AOF rewrite (overwritten inputs leave the disk).
    persistence = client.info("persistence")
    assert persistence["aof_last_rewrite_time_sec"] != -1 or persistence["aof_rewrite_in_progress"]
    batch_core.reset_for_tests()
    assert "Stopped" in redis_server.stop()
    for folder in (data_dir, data_dir / "redis"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name.startswith("appendonly") for p in files)
    assert (data_dir / "secret.key").exists()
    for path in files:
        assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"
    # The AOF's base file is RDB-encoded (appendonlydir/*.base.rdb); a snapshot would be dump.rdb.
    snapshots = [p for p in data_dir.rglob("*.rdb") if not p.name.endswith(".base.rdb")]
    assert not snapshots, "an RDB snapshot was written"


def _persisted(client) -> None:
    """Wait (by polling) until everything written so far is in the AOF on disk."""
    import time
    client.bgrewriteaof()
    deadline = time.monotonic() + 30
    while True:
        info = client.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            return
        assert time.monotonic() < deadline, "the AOF rewrite never finished"
        time.sleep(0.05)


def test_a_killed_embedded_server_is_restarted_by_the_next_call_with_its_data(embedded, make_meeting):
    data_dir, _ = embedded
    batch = batch_core.submit([make_meeting("Before the crash")])
    done = batch_core.wait(batch["batch_id"], timeout=60, poll=0.05)
    assert done["completed"] == 1
    _persisted(redis_server.get_client())
    [pid] = servers_using(data_dir)
    os.kill(pid, signal.SIGKILL)
    # No restart by hand and no new process: the next call of this one brings it back.
    assert batch_core.health()["redis"] == "ok"
    [new_pid] = servers_using(data_dir)
    assert new_pid != pid
    assert batch_core.get(batch["batch_id"])["completed"] == 1
    meeting_id = done["results"][0]["meeting_id"]
    assert batch_core.get_meeting(meeting_id)["title"] == "Before the crash"


def test_a_store_call_heals_the_server_too(embedded, make_meeting):
    data_dir, _ = embedded
    batch = batch_core.submit([make_meeting("Kept")])
    batch_core.wait(batch["batch_id"], timeout=60, poll=0.05)
    _persisted(redis_server.get_client())
    for pid in servers_using(data_dir):
        os.kill(pid, signal.SIGKILL)
    assert [b["batch_id"] for b in batch_core.list_batches()] == [batch["batch_id"]]


def test_the_embedded_server_loads_the_modules_it_is_given(embedded, monkeypatch):
    from tests.servers import query_engine_module
    monkeypatch.setenv("BATCH_REDIS_MODULES", str(tmp_missing := embedded[0] / "no-such-module.so"))
    reload_settings()
    with pytest.raises(batch_core.StorageUnavailable, match=f"BATCH_REDIS_MODULES names {tmp_missing}, which is not a file"):
        redis_server.ensure_server()
    monkeypatch.setenv("BATCH_REDIS_MODULES", str(query_engine_module()))
    reload_settings()
    batch_core.reset_for_tests()
    redis_server.ensure_server()
    assert batch_core.store.search_backend() == "redis"  # FT.SEARCH on the embedded server
    assert "FT.SEARCH" in batch_core.engine_info()["search_backend"]
