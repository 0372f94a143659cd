"""Economy mode in the dashboard: chosen at upload with its trade-off, followed on the batch page."""
from __future__ import annotations

import batch_core as core
from batch_core import config
from ui_support import assert_clean, open_page, texts, transcript

PAGE = "pages/1_Upload.py"
FILES = [(f"{topic}.txt", transcript(topic).encode(), "text/plain") for topic in ("roadmap", "budget")]


def test_the_local_provider_offers_no_economy_mode_and_says_why():
    at = open_page(PAGE)
    at.file_uploader[0].set_value(FILES).run()
    assert_clean(at)
    assert at.radio(key="upload_mode").disabled
    assert "The local provider has no economy mode" in texts(at)


def test_economy_chosen_at_upload_runs_as_one_provider_batch_and_the_batch_page_says_so(llm_server, monkeypatch):
    monkeypatch.setenv("BATCH_ECONOMY_POLL_SECONDS", "0.05")
    monkeypatch.setenv("BATCH_ECONOMY_POLL_MAX_SECONDS", "0.2")
    monkeypatch.setenv("LLM_PRICES", '{"fake-model": [3.0, 15.0]}')
    config.reload_settings()
    llm_server.batches.item_seconds = 0.01
    at = open_page(PAGE)
    at.file_uploader[0].set_value(FILES).run()
    assert not at.radio(key="upload_mode").disabled
    at.radio(key="upload_mode").set_value("economy").run()
    assert_clean(at)
    assert "Economy mode saves about" in texts(at)
    at.button(key="process_all").click().run()
    assert_clean(at)

    batch_id = core.list_batches()[0]["batch_id"]
    batch = core.wait(batch_id, timeout=60, poll=0.1)
    assert (batch["mode"], batch["completed"]) == ("economy", 2)
    assert len(llm_server.batches.creates) == 1
    at.switch_page("pages/2_Batches.py").run()  # the batch just submitted, now finished
    shown = texts(at)
    assert "Economy mode" in shown and llm_server.batches.creates[0] in shown
    assert "saved $" in shown and "provider batch ended · 2 of 2 answered" in shown
