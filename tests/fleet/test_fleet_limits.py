"""Fleet-wide provider limits on a real redis-server: concurrency cap and requests-per-minute."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from batch_core import config
from batch_core.engine import limits as fleet_limits


@pytest.fixture
def limits(monkeypatch):
    def apply(concurrency: int = 0, rpm: int = 0) -> None:
        monkeypatch.setenv("LLM_MAX_CONCURRENCY", str(concurrency))
        monkeypatch.setenv("LLM_RPM", str(rpm))
        config.reload_settings()
    return apply


def test_no_limits_is_a_no_op_without_redis(limits, monkeypatch):
    limits(0, 0)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    config.reload_settings()
    with fleet_limits.provider_slot():
        pass


def test_concurrency_cap_holds_across_threads(limits):
    limits(concurrency=2)
    lock = threading.Lock()
    inside, peak, done = [0], [0], []

    def call() -> None:
        with fleet_limits.provider_slot():
            with lock:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            time.sleep(0.15)
            with lock:
                inside[0] -= 1
        done.append(1)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(done) == 8
    assert peak[0] == 2
    assert fleet_limits.slots_in_use() == 0


def test_slot_of_a_killed_process_frees_itself(limits, redis_url):
    limits(concurrency=1)
    # The child takes the only slot with a 1 s expiry, then dies without releasing it.
    code = (
        "import os, signal\n"
        "from batch_core.engine import limits as fleet_limits\n"
        "fleet_limits.SLOT_TTL_SECONDS = 1.0\n"
        "assert fleet_limits.try_acquire_slot(1, 'doomed')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = {**os.environ, "REDIS_URL": redis_url}
    child = subprocess.run([sys.executable, "-c", code], env=env, cwd=os.getcwd(), timeout=30)
    assert child.returncode == -9
    assert fleet_limits.slots_in_use() == 1
    assert not fleet_limits.try_acquire_slot(1, "mine")
    deadline = time.monotonic() + 10
    while not fleet_limits.try_acquire_slot(1, "mine"):
        assert time.monotonic() < deadline, "the dead holder's slot never expired"
        time.sleep(0.1)
    fleet_limits.release_slot("mine")
    assert fleet_limits.slots_in_use() == 0


def test_held_slot_is_renewed_past_its_ttl(limits, monkeypatch):
    limits(concurrency=1)
    monkeypatch.setattr(fleet_limits, "SLOT_TTL_SECONDS", 0.6)
    with fleet_limits.provider_slot():
        time.sleep(1.5)  # more than two expiries: only renewals keep the slot ours
        assert fleet_limits.slots_in_use() == 1
        assert not fleet_limits.try_acquire_slot(1, "intruder")
    assert fleet_limits.slots_in_use() == 0


def test_rpm_reservations_are_evenly_spaced_on_redis_clock(limits):
    limits(rpm=600)
    interval = fleet_limits.rpm_interval_ms(600)
    assert interval == round(60_000 / (600 * fleet_limits.PACE_FRACTION))
    times: list[int] = []
    lock = threading.Lock()

    def reserve() -> None:
        send_at, _ = fleet_limits.reserve_send_time(600)
        with lock:
            times.append(send_at)

    threads = [threading.Thread(target=reserve) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times.sort()
    gaps = {b - a for a, b in zip(times, times[1:])}
    assert gaps == {interval}  # back-to-back reservations: exactly one interval apart


def test_rpm_must_be_positive():
    with pytest.raises(ValueError, match="LLM_RPM must be a positive"):
        fleet_limits.rpm_interval_ms(0)


def test_pipeline_provider_calls_respect_the_cap(limits, monkeypatch):
    """Thread executor with 4 workers, LLM_MAX_CONCURRENCY=2: the fake provider never sees more
    than 2 requests at once (counted inside the server while each request is being answered)."""
    import batch_core
    from tests.fakes.llm_server import FakeLLMServer
    from tests.test_submit import TRANSCRIPT

    from tests.fakes.llm_scripts import InFlight

    counted = InFlight(0.2)  # counted inside the server while each request is being answered
    with FakeLLMServer(plan=counted) as server:
        for name, value in {**server.env("openai"), "BATCH_MAX_WORKERS": "4"}.items():
            monkeypatch.setenv(name, value)
        limits(concurrency=2)
        batch_core.reset_for_tests()
        batch = batch_core.submit([{"title": f"Capped {i}", "tier": "ordinary",
                                    "transcript": f"{TRANSCRIPT}\nAlice: Capped {i} ends."} for i in range(8)])
        done = batch_core.wait(batch["batch_id"], timeout=60, poll=0.05)
    assert done["completed"] == 8
    assert server.request_count == 8
    assert counted.peak == 2
