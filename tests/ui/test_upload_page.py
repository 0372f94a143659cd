"""Upload page: preview rows and checks, tier and policy, Process All, splitting, pasting."""
from __future__ import annotations

import io
import zipfile

import batch_core as core
from batch_core.ingest import load_files
from ui_support import assert_clean, open_page, submit_and_wait, texts, transcript

PAGE = "pages/1_Upload.py"


def vtt(topic: str) -> bytes:
    cues = []
    for n, line in enumerate(transcript(topic).splitlines()):
        speaker, text = line.split(": ", 1)
        cues.append(f"00:{n:02d}:00.000 --> 00:{n:02d}:30.000\n<v {speaker}>{text}</v>\n")
    return ("WEBVTT\n\n" + "\n".join(cues)).encode()


def srt(topic: str) -> bytes:
    blocks = []
    for n, line in enumerate(transcript(topic).splitlines(), start=1):
        blocks.append(f"{n}\n00:{n:02d}:00,000 --> 00:{n:02d}:20,000\n{line}\n")
    return "\n".join(blocks).encode()


def archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("notes/retro.txt", transcript("retro"))
        zipped.writestr("notes/photo.png", b"\x89PNG not a transcript")
    return buffer.getvalue()


FILES = [
    ("roadmap_review.vtt", vtt("roadmap"), "text/vtt"),
    ("budget_sync.srt", srt("budget"), "application/x-subrip"),
    ("tiny.txt", b"Alice: too short to be a meeting.", "text/plain"),
    ("broken.docx", b"this is not a word document", "application/octet-stream"),
    ("bundle.zip", archive(), "application/zip"),
]


def upload(at, files=FILES):
    at.file_uploader[0].set_value(files).run()
    assert_clean(at)
    return at.data_editor[0].value


def checks_by_file(frame) -> dict[str, str]:
    return dict(zip(frame["File"], frame["Check"]))


def test_upload_page_without_files_explains_what_to_do():
    at = open_page(PAGE)
    assert_clean(at)
    assert "Add files or paste a transcript" in texts(at)
    assert not at.data_editor


def test_preview_lists_every_file_with_its_check():
    at = open_page(PAGE)
    frame = upload(at)
    checks = checks_by_file(frame)
    assert checks["roadmap_review.vtt"] == "ok"
    assert checks["budget_sync.srt"] == "ok"
    assert checks["bundle.zip/notes/retro.txt"] == "ok"
    assert checks["tiny.txt"].startswith("too short")
    assert checks["broken.docx"].startswith("unreadable: ")
    assert checks["bundle.zip/notes/photo.png"].startswith("ignored archive member")
    formats = dict(zip(frame["File"], frame["Format"]))
    assert formats["roadmap_review.vtt"] == "vtt" and formats["budget_sync.srt"] == "srt"
    included = dict(zip(frame["File"], frame["Include"]))
    assert included == {"roadmap_review.vtt": True, "budget_sync.srt": True,
                        "bundle.zip/notes/retro.txt": True, "tiny.txt": False,
                        "broken.docx": False, "bundle.zip/notes/photo.png": False}
    words = dict(zip(frame["File"], frame["Words"]))
    assert words["roadmap_review.vtt"] > 100
    assert at.button(key="process_all").label == "Process All (3)"


def test_process_all_submits_with_the_chosen_tier_and_policy_then_opens_the_batch():
    at = open_page(PAGE)
    upload(at)
    at.radio(key="upload_tier").set_value("sensitive").run()
    at.radio(key="upload_policy").set_value("allow_duplicates").run()
    assert_clean(at)
    at.button(key="process_all").click().run()
    assert_clean(at)

    batches = core.list_batches()
    assert len(batches) == 1
    batch = core.wait(batches[0]["batch_id"], timeout=120, poll=0.1)
    assert batch["on_duplicate"] == "allow_duplicates"
    assert batch["total"] == 3
    assert {row["tier"] for row in batch["results"]} == {"sensitive"}
    assert {row["source_name"] for row in batch["results"]} == {
        "roadmap_review.vtt", "budget_sync.srt", "bundle.zip/notes/retro.txt"}

    # We landed on the batch monitor with the new batch selected.
    assert at.selectbox(key="batch_picker").value == batch["batch_id"]
    assert f"Submitted 3 meetings as batch {batch['batch_id']}" in texts(at)

    # Back on Upload, the uploader is a new, empty widget: nothing can be submitted twice.
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert not at.file_uploader[0].value
    assert not at.data_editor
    assert len(core.list_batches()) == 1


def test_edited_title_and_unticked_row_are_respected():
    at = open_page(PAGE)
    frame = upload(at, FILES[:2])
    editor = at.data_editor[0]
    assert editor.key, "the preview editor needs a key so edits survive reruns"
    position = {name: n for n, name in enumerate(frame["File"])}
    at.session_state[editor.key] = {
        "edited_rows": {position["roadmap_review.vtt"]: {"Title": "Roadmap review (final)"},
                        position["budget_sync.srt"]: {"Include": False}},
        "added_rows": [], "deleted_rows": [],
    }
    at.run()
    assert_clean(at)
    # Changing the tier re-checks duplicates but keeps the user's edits.
    at.radio(key="upload_tier").set_value("sensitive").run()
    assert at.button(key="process_all").label == "Process All (1)"
    at.button(key="process_all").click().run()
    assert_clean(at)
    batch = core.get(core.list_batches()[0]["batch_id"])
    assert [row["title"] for row in batch["results"]] == ["Roadmap review (final)"]
    assert batch["results"][0]["tier"] == "sensitive"


def test_duplicate_of_an_existing_meeting_is_flagged_for_the_chosen_tier():
    parsed = load_files([FILES[0][:2]]).parsed[0]
    stored = submit_and_wait([parsed.as_meeting("ordinary")])
    existing_id = stored["results"][0]["meeting_id"]
    at = open_page(PAGE)
    frame = upload(at, FILES[:2])
    checks = checks_by_file(frame)
    assert checks["roadmap_review.vtt"] == f"duplicate of an existing meeting ({existing_id})"
    assert checks["budget_sync.srt"] == "ok"
    # The same title in the other tier is not a duplicate.
    at.radio(key="upload_tier").set_value("sensitive").run()
    assert checks_by_file(at.data_editor[0].value)["roadmap_review.vtt"] == "ok"


def test_the_same_content_under_another_name_is_flagged_in_the_preview():
    name, data = FILES[0][:2]
    copy_name = "copy of " + name
    at = open_page(PAGE)
    checks = checks_by_file(upload(at, [FILES[0], (copy_name, data, FILES[0][2])]))
    assert checks[copy_name] == f"same content as {name}"
    parsed = load_files([(name, data)]).parsed[0]
    stored = submit_and_wait([{**parsed.as_meeting("ordinary"), "title": "Renamed when stored"}])
    at = open_page(PAGE)
    checks = checks_by_file(upload(at, [(copy_name, data, FILES[0][2])]))
    assert checks[copy_name] == f"same content as stored meeting {stored['results'][0]['meeting_id']}"


def test_more_than_the_batch_limit_offers_to_split(env):
    env(BATCH_MAX_MEETINGS=2)
    at = open_page(PAGE)
    upload(at)
    at.button(key="process_all").click().run()
    assert_clean(at)
    assert not core.list_batches()
    assert any("at most 2" in w.value for w in at.warning)
    at.button(key="submit_split").click().run()
    assert_clean(at)
    batches = core.list_batches()
    assert sorted(b["total"] for b in batches) == [1, 2]
    for batch in batches:
        core.wait(batch["batch_id"], timeout=120, poll=0.1)


def test_pasted_transcript_becomes_one_meeting_with_its_title():
    at = open_page(PAGE)
    at.text_input(key="paste_title_0").set_value("Pasted planning call").run()
    at.text_area(key="paste_text_0").set_value(transcript("planning")).run()
    assert_clean(at)
    frame = at.data_editor[0].value
    assert list(frame["Title"]) == ["Pasted planning call"]
    assert list(frame["Check"]) == ["ok"]
    at.button(key="process_all").click().run()
    assert_clean(at)
    batch = core.wait(core.list_batches()[0]["batch_id"], timeout=120, poll=0.1)
    assert [row["title"] for row in batch["results"]] == ["Pasted planning call"]
    assert batch["completed"] == 1


def test_the_sensitive_tier_says_what_it_detects_and_what_it_does_not():
    at = open_page(PAGE)
    assert not [e for e in at.expander if "sensitive tier detects" in e.label]
    at.radio(key="upload_tier").set_value("sensitive").run()
    assert_clean(at)
    (expander,) = [e for e in at.expander if "sensitive tier detects" in e.label]
    shown = " ".join(m.value for m in expander.markdown)
    assert "national ids checked by their rules" in shown and "Not detected" in shown
    assert "organisations" in shown


def test_select_none_and_all_keep_title_edits_and_each_row_has_its_own_tier():
    at = open_page(PAGE)
    frame = upload(at)
    assert set(frame["Tier"][frame["Format"] != "—"]) == {"ordinary"}
    budget = list(frame["File"]).index("budget_sync.srt")
    at.session_state[at.data_editor[0].key] = {"edited_rows": {budget: {"Title": "Budget, renamed", "Tier": "sensitive"}},
                                               "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="select_none").click().run()
    assert_clean(at)
    none = at.data_editor[0].value
    assert not none["Include"].any() and at.button(key="process_all").label == "Process All (0)"
    at.button(key="select_all").click().run()
    everything = at.data_editor[0].value
    usable = everything["Format"] != "—"
    assert everything["Include"][usable].all() and not everything["Include"][~usable].any()
    assert everything["Title"].iloc[budget] == "Budget, renamed" and everything["Tier"].iloc[budget] == "sensitive"
    at.button(key="process_all").click().run()
    assert_clean(at)
    batch = core.wait(core.list_batches()[0]["batch_id"], timeout=120, poll=0.1)
    tiers = {row["source_name"]: row["tier"] for row in batch["results"]}
    assert tiers["budget_sync.srt"] == "sensitive" and tiers["roadmap_review.vtt"] == "ordinary"


def _big_zip(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for n in range(count):
            zipped.writestr(f"import/meeting_{n:02d}.txt", transcript(f"topic {n}"))
    return buffer.getvalue()


def test_reading_a_big_upload_reports_each_transcript_as_it_goes():
    seen: list[tuple[int, str]] = []
    report = load_files([("old_meetings.zip", _big_zip(60))], progress=lambda read, name: seen.append((read, name)))
    assert len(report.parsed) == 60
    assert [read for read, _ in seen] == list(range(1, 61))
    assert seen[-1][1] == "old_meetings.zip/import/meeting_59.txt"


def test_the_upload_page_says_what_it_read():
    at = open_page(PAGE)
    upload(at, [("old_meetings.zip", _big_zip(60), "application/zip")])
    labels = [block.label for block in at.status]
    assert "Read 60 transcript(s) from 1 file(s)" in labels, labels
