"""Home page on an empty and a populated store, and every page with Redis down."""
from __future__ import annotations

import socket

import pytest
from ui_support import (
    assert_clean, meeting, open_page, sensitive_transcript, submit_and_wait, texts,
)

PAGES = [None, "pages/1_Upload.py", "pages/2_Batches.py", "pages/3_Meetings.py"]


def test_home_on_an_empty_store():
    at = open_page()
    assert_clean(at)
    page = texts(at)
    assert "No batch is running" in page
    assert "No batches yet" in page
    assert "No failed meetings in the last 24 hours" in page
    assert {m.label: m.value for m in at.metric}["Active batches"] == "0"


def test_home_on_a_populated_store():
    batch = submit_and_wait([meeting("Roadmap review"), meeting("Budget sync"),
                             meeting("HR case", tier="sensitive", text=sensitive_transcript())])
    at = open_page()
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Ordinary meetings"] == "2"
    assert metrics["Sensitive meetings"] == "1"
    recent = at.dataframe[0].value
    assert list(recent["Batch"]) == [batch["batch_id"]]
    assert int(recent.loc[0, "Completed"]) == 3
    engine = at.dataframe[-1].value
    assert dict(zip(engine["Setting"], engine["Value"]))["Provider"] == "local"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the with-block ends


@pytest.mark.parametrize("page", PAGES, ids=["home", "upload", "batches", "meetings"])
def test_redis_down_shows_the_friendly_message(page, env):
    env(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0", BATCH_REDIS_TIMEOUT_SECONDS=0.5)
    at = open_page(page)
    assert_clean(at)
    if page == "pages/1_Upload.py":
        # Upload only needs Redis once there is something to preview.
        at.text_area[0].set_value(sensitive_transcript()).run()
        assert_clean(at)
    assert any("not reachable" in e.value for e in at.error), texts(at)
    assert not at.exception


def test_home_shows_active_batches_with_progress_and_keeps_refreshing(fake_llm, env):
    import batch_core as core

    fake_llm.default.delay = 3.0  # the batch must still run while the page opens
    env(BATCH_MAX_WORKERS=1)
    batch = core.submit([meeting("Slow A"), meeting("Slow B")])
    at = open_page()
    assert_clean(at)
    assert {m.label: m.value for m in at.metric}["Active batches"] == "1"
    bars = [p for p in at.progress if batch["batch_id"] in p.proto.text]
    assert len(bars) == 1 and bars[0].value < 100
    assert "No batch is running" not in texts(at)
    core.wait(batch["batch_id"], timeout=30, poll=0.1)
    at.run()
    assert "No batch is running" in texts(at)


def test_home_lists_failed_meetings_of_the_last_day_with_their_reason(fake_llm):
    from tests.fakes.llm_server import FakeResponse

    fake_llm.plan = lambda request: (FakeResponse.error(400) if request.title == "Doomed meeting"
                                     else None)
    batch = submit_and_wait([meeting("Doomed meeting"), meeting("Fine meeting")])
    assert batch["failed"] == 1 and batch["completed"] == 1
    at = open_page()
    assert_clean(at)
    assert {m.label: m.value for m in at.metric}["Failed meetings (24 h)"] == "1"
    failures = at.dataframe[1].value
    assert list(failures["Title"]) == ["Doomed meeting"]
    assert "400" in failures.loc[0, "Reason"]
