"""Fixtures for the fleet tests: a fake provider with latency, RQ mode, real worker processes."""
from __future__ import annotations

import pytest

from batch_core import config
from batch_core.executors import rq_queue
from tests.fakes.llm_server import FakeLLMServer
from tests.fleet.fleet_procs import WorkerFleet

# Short lease and heartbeat so a killed worker's meeting is picked up again within seconds.
FAST_RECOVERY = {"BATCH_HEARTBEAT_SECONDS": "1", "BATCH_LEASE_SECONDS": "3"}


@pytest.fixture
def fake_llm():
    with FakeLLMServer(default_delay=0.3) as server:
        yield server


@pytest.fixture
def rq_env(fake_llm, redis_url, monkeypatch):
    """This process submits in RQ mode; returns the environment for worker processes."""
    env = {"REDIS_URL": redis_url, "BATCH_EXECUTOR": "rq", **FAST_RECOVERY,
           **fake_llm.env("openai")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config.reload_settings()
    rq_queue.reset_connection()
    yield env
    rq_queue.reset_connection()


@pytest.fixture
def start_fleet(rq_env, tmp_path):
    fleets: list[WorkerFleet] = []

    def start(count: int) -> WorkerFleet:
        fleet = WorkerFleet(rq_env, count, log_dir=tmp_path).start()
        fleets.append(fleet)
        return fleet

    yield start
    for fleet in fleets:
        fleet.stop()
