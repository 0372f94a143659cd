"""Batch monitor: empty, populated, cancel and retry act on the store, failure details."""
from __future__ import annotations

import time

import batch_core as core
from ui_support import assert_clean, meeting, open_page, submit_and_wait, texts

PAGE = "pages/2_Batches.py"


def test_batches_page_on_an_empty_store():
    at = open_page(PAGE)
    assert_clean(at)
    assert "No batches yet" in texts(at)


def test_batches_page_shows_every_meeting_of_a_finished_batch():
    older = submit_and_wait([meeting("Kickoff")])
    batch = submit_and_wait([meeting("Roadmap review"), meeting("Budget sync")])
    at = open_page(PAGE)
    assert_clean(at)
    picker = at.selectbox(key="batch_picker")
    assert picker.value == batch["batch_id"]  # newest first, selected by default
    assert [o.split(" · ")[0].split(" ")[-1] for o in picker.options] == [batch["batch_id"],
                                                                            older["batch_id"]]
    rows = at.dataframe[0].value
    assert list(rows["Title"]) == ["Roadmap review", "Budget sync"]
    assert list(rows["Status"]) == ["🟢 completed", "🟢 completed"]
    assert at.progress[0].value == 100
    assert at.button(key="cancel_batch").disabled
    assert at.button(key="retry_failed").disabled
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["🟢 Completed"] == "2" and metrics["ETA"] == "done"
    assert float(metrics["Per minute"]) > 0


def test_query_parameter_selects_the_batch():
    first = submit_and_wait([meeting("Kickoff")])
    submit_and_wait([meeting("Later meeting")])
    at = open_page(PAGE, query={"batch": first["batch_id"]})
    assert_clean(at)
    assert at.selectbox(key="batch_picker").value == first["batch_id"]
    assert list(at.dataframe[0].value["Title"]) == ["Kickoff"]


def test_cancel_button_cancels_the_queued_meetings(fake_llm, env):
    fake_llm.default.delay = 5.0  # the first meeting stays in flight while we click
    env(BATCH_MAX_WORKERS=1)
    batch = core.submit([meeting(f"Meeting {n}") for n in range(4)])
    at = open_page(PAGE, query={"batch": batch["batch_id"]})
    assert_clean(at)
    cancel = at.button(key="cancel_batch")
    assert not cancel.disabled
    queued = core.get(batch["batch_id"])["queued"]
    assert queued >= 2, "the page took longer than the fake provider's delay to open"
    cancel.click().run()
    assert_clean(at)
    after = core.get(batch["batch_id"])
    assert after["canceled"] == queued and after["queued"] == 0, after
    assert f"{queued} queued meetings canceled" in texts(at)
    final = core.wait(batch["batch_id"], timeout=30, poll=0.1)
    assert final["status"] == "canceled" and final["canceled"] == queued
    assert final["completed"] == 4 - queued


def test_retry_button_requeues_failed_meetings_and_details_show_the_reason(fake_llm):
    from tests.fakes.llm_server import FakeResponse

    fake_llm.default = FakeResponse.error(400)  # not retried: both meetings fail
    batch = submit_and_wait([meeting("Alpha"), meeting("Beta")])
    assert batch["failed"] == 2
    at = open_page(PAGE)
    assert_clean(at)
    assert len(at.expander) == 2
    reason = batch["results"][0]["error"]
    assert reason and reason in [t.value for t in at.text]
    rows = at.dataframe[0].value
    assert list(rows["Status"]) == ["🔴 failed", "🔴 failed"]

    fake_llm.default = FakeResponse.ok()
    retry = at.button(key="retry_failed")
    assert not retry.disabled
    retry.click().run()
    assert_clean(at)
    final = core.wait(batch["batch_id"], timeout=60, poll=0.1)
    assert final["completed"] == 2 and final["failed"] == 0
    assert "2 failed meetings queued again" in texts(at)


def test_only_the_batch_view_refreshes_and_only_while_the_batch_is_active(fake_llm, monkeypatch):
    import streamlit
    timers = []
    real_fragment = streamlit.fragment

    def spying_fragment(func=None, *, run_every=None):
        timers.append(run_every)
        return real_fragment(func, run_every=run_every)

    monkeypatch.setattr(streamlit, "fragment", spying_fragment)
    fake_llm.default.delay = 4.0  # longer than opening the page on a busy machine
    batch = core.submit([meeting("Slow one")])
    at = open_page(PAGE)
    assert_clean(at)
    assert timers == [2.0, 10]  # fragment timers (counters, details), not a whole-page refresh
    core.wait(batch["batch_id"], timeout=30, poll=0.1)
    at.run()
    assert timers[-1] is None  # ended: nothing reruns on its own any more
    assert list(at.dataframe[0].value["Status"]) == ["🟢 completed"]


def test_failed_meeting_titles_in_expander_labels_are_escaped(fake_llm):
    from tests.fakes.llm_server import FakeResponse

    fake_llm.default = FakeResponse.error(400)
    submit_and_wait([meeting("**Board** [meeting](http://evil.example)")])
    at = open_page(PAGE)
    assert_clean(at)
    label = at.expander[0].label
    assert "\\*\\*Board\\*\\*" in label and "](" not in label


def test_a_resumed_batch_says_who_resumed_it_and_when(fake_llm, env):
    from batch_core import store

    fake_llm.default.delay = 3.0  # keeps the batch in progress while it changes hands
    env(BATCH_MAX_WORKERS=1)
    batch = core.submit([meeting(f"Meeting {n}") for n in range(3)])
    store.set_owner(batch["batch_id"], "crashed-host:4242:dead", time.time() - 1)
    assert store.adopt(batch["batch_id"], "rescuer-host:7:beef", time.time() + 30) is not None
    at = open_page(PAGE, query={"batch": batch["batch_id"]})
    assert_clean(at)
    notes = " ".join(i.value for i in at.info)
    assert "Resumed by `rescuer-host:7:beef`" in notes
    assert "`crashed-host:4242:dead`" in notes
    core.cancel(batch["batch_id"])
