"""Duplicates by content: the same transcript under other names, encodings or archives is found
(case, spacing and timestamps folded), the policy applies, and the sensitive tier's index is keyed."""
from __future__ import annotations

import hashlib
import io
import zipfile

import redis

import batch_core as core
from batch_core.store.keys import normalise_content
from tests.ui.ui_support import meeting, sensitive_transcript, submit_and_wait, transcript

TEXT = transcript("roadmap")


def test_the_same_content_under_another_title_is_skipped_and_says_why():
    first = submit_and_wait([meeting("Roadmap sync", text=TEXT)])
    second = submit_and_wait([meeting("Copy of roadmap (1)", text=TEXT.upper().replace(" ", "  "))])
    assert second["skipped"] == 1
    reason = second["results"][0]["error"]
    assert reason.startswith(f"Same content as the stored meeting {first['results'][0]['meeting_id']}")
    assert "Allow duplicates" in reason and "on_duplicate=" in reason


def test_copies_in_one_upload_are_found_across_encodings_and_archives():
    data = TEXT.encode("utf-8")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("nested/other name.txt", data)
    report = core.read_files([("roadmap.txt", data), ("roadmap-utf16.txt", TEXT.encode("utf-16")),
                              ("bundle.zip", archive.getvalue())])
    assert len(report.parsed) == 3
    matches = core.content_duplicates([(p.text, "ordinary") for p in report.parsed])
    assert matches == [{"stored": None, "item": None}, {"stored": None, "item": 0}, {"stored": None, "item": 0}]
    batch = submit_and_wait([{"title": f"T{n}", "tier": "ordinary", "transcript": p.text}
                             for n, p in enumerate(report.parsed)])
    assert [r["status"] for r in batch["results"]] == ["completed", "skipped", "skipped"]
    assert "same content and tier" in batch["results"][1]["error"]


def test_timestamps_do_not_make_a_meeting_new():
    timed = "\n".join(f"[00:0{n}:1{n}] {line}" for n, line in enumerate(TEXT.splitlines()))
    assert normalise_content(timed) == normalise_content(TEXT)


def test_replace_removes_the_stored_copy_with_the_same_content():
    old = submit_and_wait([meeting("Old name", text=TEXT)])["results"][0]["meeting_id"]
    new = submit_and_wait([meeting("New name", text=TEXT)], policy="replace")
    assert new["completed"] == 1
    assert core.get_meeting(old) is None
    both = submit_and_wait([meeting("Third name", text=TEXT)], policy="allow_duplicates")
    assert both["completed"] == 1


def test_the_sensitive_content_index_is_keyed(redis_url):
    text = sensitive_transcript()
    submit_and_wait([meeting("HR case", "sensitive", text)])
    keys = redis.Redis.from_url(redis_url, decode_responses=True).keys("meetings:sensitive:content:*")
    assert len(keys) == 1
    plain = hashlib.sha256(normalise_content(text).encode()).hexdigest()
    assert plain not in keys[0]  # an HMAC: guessing the text and hashing it finds nothing
    again = submit_and_wait([meeting("Another title", "sensitive", text)])
    assert again["skipped"] == 1 and "Same content" in again["results"][0]["error"]
