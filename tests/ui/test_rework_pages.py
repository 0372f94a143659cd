"""Re-work in the dashboard: Re-queue canceled on the batch page, Reprocess on the meeting page,
each naming the provider before the click; a batch name given at upload shown with the batch."""
from __future__ import annotations

import batch_core as core
from tests.fakes.llm_server import FakeResponse
from tests.waiting import wait_for
from ui_support import assert_clean, meeting, open_page, submit_and_wait, texts, transcript


def test_requeue_canceled_on_the_batch_page(fake_llm, env):
    env(BATCH_MAX_WORKERS=1)
    fake_llm.default = FakeResponse.slow(1.0)
    batch_id = core.submit([meeting(f"Sync {n}") for n in range(3)], name="Team syncs")["batch_id"]
    wait_for(lambda: core.get(batch_id)["processing"] == 1, 30, "the first meeting to run")
    core.cancel(batch_id)
    fake_llm.default = FakeResponse.ok()
    core.wait(batch_id, timeout=60, poll=0.1)
    at = open_page("pages/2_Batches.py")
    assert_clean(at)
    assert "Team syncs" in texts(at) and "Team syncs" in at.selectbox(key="batch_picker").format_func(batch_id)
    button = at.button(key="requeue_canceled")
    assert button.label == "Re-queue canceled (2)" and "openai / fake-model" in button.help
    button.click().run()
    assert_clean(at)
    done = core.wait(batch_id, timeout=60, poll=0.1)
    assert (done["completed"], done["canceled"]) == (3, 0)
    assert "2 canceled meetings queued again; they run with openai / fake-model" in texts(at)


def test_reprocess_on_the_meeting_page_names_the_provider_first(fake_llm):
    batch = submit_and_wait([meeting("Pricing review")])
    meeting_id = batch["results"][0]["meeting_id"]
    at = open_page("pages/3_Meetings.py", query={"meeting": meeting_id})
    assert_clean(at)
    assert "Runs it again with **openai / fake\\-model**" in texts(at)
    at.button(key="reprocess_meeting").click().run()
    assert_clean(at)
    newest = core.list_batches()[0]
    assert newest["name"] == "Reprocess of 1 meeting"
    done = core.wait(newest["batch_id"], timeout=60, poll=0.1)
    assert done["completed"] == 1 and core.get_meeting(meeting_id) is None


def test_the_upload_name_goes_with_the_batch(fake_llm):
    at = open_page("pages/1_Upload.py")
    at.file_uploader[0].set_value([("notes.txt", transcript("notes").encode(), "text/plain")]).run()
    at.text_input(key="upload_name").set_value("Board archive").run()
    at.button(key="process_all").click().run()
    assert_clean(at)
    assert core.list_batches()[0]["name"] == "Board archive"


def test_every_row_links_to_its_meeting(fake_llm):
    batch = submit_and_wait([meeting("Roadmap"), meeting("Budget")])
    ids = {r["meeting_id"] for r in batch["results"]}
    at = open_page("pages/2_Batches.py")
    assert set(at.dataframe[0].value["Open"]) == {f"/Meetings?meeting={m}" for m in ids}
    at = open_page("pages/3_Meetings.py")
    assert set(at.dataframe[0].value["Open"]) == {f"/Meetings?meeting={m}" for m in ids}
    assert "Meetings 1–2 of 2" in texts(at)


def test_speakers_are_named_on_the_meeting_page(fake_llm):
    batch = submit_and_wait([meeting("Naming sync")])
    meeting_id = batch["results"][0]["meeting_id"]
    at = open_page("pages/3_Meetings.py", query={"meeting": meeting_id})
    editor = next(e for e in at.data_editor if e.key == f"speaker_names_{meeting_id}")
    labels = list(editor.value["Label"])
    at.session_state[editor.key] = {"edited_rows": {0: {"Name": "Kim Larsen"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="save_speaker_names").click().run()
    assert_clean(at)
    assert core.get_meeting(meeting_id)["speaker_names"] == {labels[0]: "Kim Larsen"}
    assert "Speaker names saved." in texts(at)


def test_search_on_the_meetings_page_shows_ranked_highlighted_hits(fake_llm):
    submit_and_wait([meeting("Remote control kickoff"), meeting("Budget sync")])
    at = open_page("pages/3_Meetings.py")
    at.text_input(key="meeting_search").set_value("remote").run()
    assert_clean(at)
    shown = texts(at)
    assert "**Remote control kickoff**" in shown and "1 best matches" in shown
    assert list(at.dataframe[0].value["Title"]) == ["Remote control kickoff"]
