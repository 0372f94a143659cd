"""`python -m batch_core.cli.worker`: clear errors for bad input and an unreachable Redis."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.fleet.fleet_procs import ROOT


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "batch_core.cli.worker", *args], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)


def test_zero_workers_is_rejected():
    result = run_cli("--workers", "0")
    assert result.returncode == 2
    assert "--workers must be at least 1, got 0" in result.stderr


def test_unreachable_redis_is_a_clear_error():
    result = run_cli("--workers", "1", REDIS_URL="redis://127.0.0.1:1/0", BATCH_EXECUTOR="rq")
    assert result.returncode == 2
    assert "Redis is not reachable at redis://127.0.0.1:1/0" in result.stderr
    assert "Traceback" not in result.stderr


def test_burst_worker_exits_when_the_queue_is_empty(redis_url):
    result = run_cli("--workers", "1", "--burst", REDIS_URL=redis_url, BATCH_EXECUTOR="rq")
    assert result.returncode == 0, result.stderr
