"""Fixtures for fault tests: a redis-server they may stop and restart, fast leases, meetings."""
from __future__ import annotations

import os

import pytest
import redis

import batch_core
from batch_core import config
from tests.servers import RedisProcess

# Short lease/heartbeat/retry window so faults play out in seconds; the defaults are 30/10/30.
FAST_DURABILITY = {"BATCH_LEASE_SECONDS": "2", "BATCH_HEARTBEAT_SECONDS": "1",
                   "BATCH_REDIS_RETRY_SECONDS": "3"}


@pytest.fixture(scope="module")
def redis_proc(tmp_path_factory):
    """This module's own redis-server (AOF everysec), which tests may stop, kill and restart."""
    server = RedisProcess(tmp_path_factory.mktemp("durable-redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_redis(redis_proc, monkeypatch):
    """Point the app at the module's redis-server (running, empty) with fast durability settings."""
    redis_proc.start()
    client = redis.Redis.from_url(redis_proc.url, decode_responses=True)
    client.flushall()
    monkeypatch.setenv("REDIS_URL", redis_proc.url)
    for name, value in FAST_DURABILITY.items():
        monkeypatch.setenv(name, value)
    config.reload_settings()
    batch_core.reset_for_tests()
    yield client
    batch_core.reset_for_tests()
    client.close()


@pytest.fixture
def fake_llm(llm_server):
    """The fake OpenAI-compatible provider of tests/conftest.py; the app (and its subprocesses,
    through the environment) are pointed at it."""
    return llm_server


def child_env(**extra: str) -> dict[str, str]:
    """Environment for an app subprocess: this process's settings plus `extra`."""
    env = dict(os.environ)
    env.update(extra)
    env["PYTHONUNBUFFERED"] = "1"
    return env
