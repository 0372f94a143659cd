"""The dashboard home shows the RQ fleet: live workers and queue depth, read from RQ's registry."""
from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

import batch_core
from tests.fakes.llm_server import FakeResponse
from tests.fleet.test_rq_fleet import meetings

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")


def _home() -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_home_warns_when_meetings_wait_without_workers(rq_env, fake_llm):
    batch_core.submit(meetings(3))
    at = _home()
    assert _metrics(at)["Queued meetings"] == "3"
    assert _metrics(at)["Live workers"] == "0"
    assert any("no worker is running" in w.value for w in at.warning)


def test_home_lists_live_workers(rq_env, fake_llm, start_fleet):
    fake_llm.default = FakeResponse.ok(delay=1.0)
    batch_id = batch_core.submit(meetings(3))["batch_id"]
    fleet = start_fleet(1)
    fleet.busy_worker()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        at = _home()
        if _metrics(at).get("Running meetings") == "1":
            break
        time.sleep(0.2)
    assert _metrics(at)["Live workers"] == "1"
    table = at.dataframe[-1].value
    assert list(table["State"]) == ["busy"]
    assert table.loc[0, "Current meeting"].startswith(batch_id)
    batch_core.wait(batch_id, timeout=60, poll=0.1)
