"""The `embedded` fixture: the app on an embedded server of its own in a fresh data dir."""
from __future__ import annotations

import os
import signal

import pytest

import batch_core
from batch_core.config import reload_settings
from batch_core.store import client as redis_server
from tests.servers import servers_using


@pytest.fixture
def embedded(tmp_path, monkeypatch):
    """Point the app at an embedded server in a fresh data dir; stop it afterwards."""
    data_dir = tmp_path / "data"
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("BATCH_DATA_DIR", str(data_dir))
    reload_settings()
    batch_core.reset_for_tests()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    yield data_dir, env
    batch_core.reset_for_tests()
    redis_server.stop()
    for pid in servers_using(data_dir):  # only ever our own test servers
        os.kill(pid, signal.SIGKILL)
