"""The operator's tools in a real browser: the action-item board filtered by owner, search on the
Meetings page with a hit that opens its meeting, a speaker's given name on the meeting page,
Reprocess naming the provider before it runs, and Re-queue canceled on the batch page (Debian's
Chromium, `streamlit run`)."""
from __future__ import annotations

import pytest
from browser_support import ROOT, chromium_page, require_chromium, streamlit_server, wait_for_rows, wait_idle

import batch_core as core
from batch_core import config

pytestmark = pytest.mark.e2e
SAMPLES = [ROOT / "samples" / name for name in ("01_product_launch_sync.txt", "03_marketing_budget_q3.txt")]


def test_board_and_search_in_a_real_browser(redis_url, tmp_path, monkeypatch):
    require_chromium()
    monkeypatch.setenv("BATCH_DATA_DIR", str(tmp_path))
    config.reload_settings()
    core.reset_for_tests()
    batch = core.wait(core.submit([{"title": p.stem.replace("_", " "), "tier": "ordinary",
                                    "transcript": p.read_text(encoding="utf-8")} for p in SAMPLES])["batch_id"],
                      timeout=120)
    assert batch["completed"] == 2
    # A batch whose meetings were all canceled before any ran: queued for RQ workers that never
    # came, then canceled (the dashboard below runs with the thread executor).
    monkeypatch.setenv("BATCH_EXECUTOR", "rq")
    config.reload_settings()
    core.reset_for_tests()
    canceled = core.submit([{"title": f"Canceled sync {n}", "tier": "ordinary",
                             "transcript": SAMPLES[0].read_text(encoding="utf-8")} for n in range(2)],
                           on_duplicate="allow_duplicates", name="Stopped import")["batch_id"]
    core.cancel(canceled)
    assert core.get(canceled)["canceled"] == 2
    monkeypatch.setenv("BATCH_EXECUTOR", "thread")
    config.reload_settings()
    core.reset_for_tests()
    items = core.action_items()
    owner = next(i["owner"] for i in items if i["owner"])
    env = {"REDIS_URL": redis_url, "LLM_PROVIDER": "local", "BATCH_DATA_DIR": str(tmp_path)}
    with streamlit_server(env) as base, chromium_page() as page:
        page.goto(f"{base}/Actions")
        wait_idle(page)
        page.get_by_text(f"Action items ({len(items)})").wait_for()
        page.get_by_label("Owner").fill(owner)
        page.keyboard.press("Enter")
        wait_idle(page)
        expected = len(core.action_items(owner=owner))
        rows = wait_for_rows(page, lambda rows: len(rows) == expected)
        assert {row["Owner"] for row in rows} == {owner}, rows

        page.goto(f"{base}/Meetings")
        wait_idle(page)
        page.get_by_label("Search titles, transcripts and insights").fill("budget")
        page.keyboard.press("Enter")
        wait_idle(page)
        hits = core.search_meetings("budget")
        page.get_by_text(f"{len(hits)} best matches").wait_for()
        top = hits[0]
        link = page.get_by_role("link", name=top["title"]).first
        href = link.get_attribute("href") or ""
        assert href.endswith(f"/Meetings?meeting={top['meeting_id']}"), href
        page.goto(f"{base}/Meetings?meeting={top['meeting_id']}")  # the link opens a tab of its own
        wait_idle(page)
        page.get_by_role("heading", name=top["title"]).first.wait_for()

        # A name given to a speaker label shows on the page (the grid itself is a canvas: the
        # names are given through the library, as the Save button does).
        label = core.get_meeting(top["meeting_id"])["speakers"][0]
        core.rename_speakers(top["meeting_id"], {label: "Åse Lindqvist"})
        page.reload()
        wait_idle(page)
        page.get_by_text("Åse Lindqvist").first.wait_for(state="attached")  # in the transcript and tables

        page.get_by_text("Reprocess this meeting").click()
        page.get_by_text("Runs it again with local / local-rules-v1").wait_for()
        page.get_by_role("button", name="Reprocess").click()
        page.get_by_text("Reprocessing as batch").wait_for(timeout=30_000)
        wait_idle(page)
        again = core.list_batches(limit=1)[0]
        done = core.wait(again["batch_id"], timeout=120)
        assert done["completed"] == 1
        assert core.get_meeting(done["results"][0]["meeting_id"])["title"] == top["title"]
        assert core.count_meetings()["ordinary"] == 2  # the new result replaced the old one

        page.goto(f"{base}/Batches?batch={canceled}")
        wait_idle(page)
        page.get_by_text("Stopped import").first.wait_for(state="attached")
        page.get_by_role("button", name="Re-queue canceled (2)").click()
        page.get_by_text("2 canceled meetings queued again; they run with local").wait_for(timeout=30_000)
        requeued = core.wait(canceled, timeout=120)
        assert (requeued["completed"], requeued["canceled"]) == (2, 0)
