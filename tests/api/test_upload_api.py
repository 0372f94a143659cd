"""Multipart upload: files become meetings; bad files are reported and skipped."""
from __future__ import annotations

import io
import zipfile

from batch_core.store.client import get_client
import batch_core
from batch_core import config
from tests.api.conftest import transcript, wait_for_batch

UPLOAD = "/api/v1/meetings/batch/upload"

VTT = (
    "WEBVTT\n\n"
    "00:00:01.000 --> 00:00:06.000\n<v Alice>Good morning everyone, today we review the hiring "
    "plan and agree on the next steps for the quarter.\n\n"
    "00:00:07.000 --> 00:00:12.000\n<v Bob>The hiring numbers look solid, so I think we should "
    "open two more roles in March.\n\n"
    "00:00:13.000 --> 00:00:18.000\n<v Alice>Agreed. Bob will draft both job descriptions by Friday.\n"
).encode()

SRT = (
    "1\n00:00:01,000 --> 00:00:06,000\nAlice: Welcome to the budget review, we need to cut "
    "travel costs this quarter.\n\n"
    "2\n00:00:07,000 --> 00:00:12,000\nBob: I propose we move the offsite online and save "
    "about forty thousand.\n\n"
    "3\n00:00:13,000 --> 00:00:18,000\nAlice: Decision made, the offsite goes online. Carol "
    "will tell the venue.\n"
).encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_upload_parses_files_and_queues_a_batch(client):
    files = [("files", ("hiring.vtt", VTT, "text/vtt")),
             ("files", ("budget.srt", SRT, "application/x-subrip")),
             ("files", ("notes.txt", transcript("pricing").encode(), "text/plain"))]
    response = client.post(UPLOAD, files=files, data={"tier": "ordinary", "on_duplicate": "skip"})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["total"] == 3
    assert body["errors"] == []
    assert sorted(f["name"] for f in body["files"]) == ["budget.srt", "hiring.vtt", "notes.txt"]

    done = wait_for_batch(client, body["batch_id"])
    assert done["completed"] == 3
    record = batch_core.get_meeting(done["results"][0]["meeting_id"])
    assert record["tier"] == "ordinary"
    assert "Alice" in record["speakers"]


def test_bad_files_are_reported_and_skipped(client):
    files = [("files", ("hiring.vtt", VTT, "text/vtt")),
             ("files", ("broken.vtt", b"WEBVTT\n\nthis is not a cue at all", "text/vtt")),
             ("files", ("slides.pdf", b"%PDF-1.4 binary", "application/pdf"))]
    response = client.post(UPLOAD, files=files, data={"tier": "sensitive"})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["total"] == 1
    reported = {e["name"]: e["reason"] for e in body["errors"]}
    assert set(reported) == {"broken.vtt", "slides.pdf"}
    assert all(reason for reason in reported.values())
    done = wait_for_batch(client, body["batch_id"])
    assert done["results"][0]["tier"] == "sensitive"


def test_upload_with_no_usable_file_is_400_listing_each_reason(client):
    files = [("files", ("slides.pdf", b"%PDF-1.4", "application/pdf")),
             ("files", ("empty.txt", b"", "text/plain"))]
    response = client.post(UPLOAD, files=files, data={"tier": "ordinary"})
    assert response.status_code == 400
    body = response.json()
    assert "None of the 2 uploaded files" in body["detail"]
    assert {e["name"] for e in body["file_errors"]} == {"slides.pdf", "empty.txt"}
    assert batch_core.list_batches() == []


def test_titles_override_parsed_titles_in_file_order(client):
    files = [("files", ("hiring.vtt", VTT, "text/vtt")), ("files", ("budget.srt", SRT, "text/plain"))]
    response = client.post(UPLOAD, files=files,
                           data={"tier": "ordinary", "titles": ["Hiring sync", ""]})
    assert response.status_code == 202, response.text
    titles = {f["name"]: f["title"] for f in response.json()["files"]}
    assert titles["hiring.vtt"] == "Hiring sync"
    assert titles["budget.srt"] != "Hiring sync" and titles["budget.srt"]


def test_titles_count_must_match_files(client):
    files = [("files", ("hiring.vtt", VTT, "text/vtt")), ("files", ("budget.srt", SRT, "text/plain"))]
    response = client.post(UPLOAD, files=files, data={"tier": "ordinary", "titles": ["Only one"]})
    assert response.status_code == 422
    assert "titles" in response.json()["detail"]


def test_zip_members_become_meetings(client):
    archive = _zip({"week1/hiring.vtt": VTT, "week1/budget.srt": SRT, "readme.pdf": b"%PDF"})
    response = client.post(UPLOAD, files=[("files", ("export.zip", archive, "application/zip"))],
                           data={"tier": "ordinary"})
    assert response.status_code == 202, response.text
    assert response.json()["total"] == 2


def test_missing_tier_or_files_is_422(client):
    response = client.post(UPLOAD, files=[("files", ("hiring.vtt", VTT, "text/vtt"))])
    assert response.status_code == 422
    assert "tier" in response.json()["detail"]
    response = client.post(UPLOAD, data={"tier": "ordinary"})
    assert response.status_code == 422
    assert "files" in response.json()["detail"]


def test_file_over_the_per_file_cap_is_reported_not_read(client, monkeypatch):
    monkeypatch.setenv("INGEST_MAX_FILE_MB", "0.001")  # ~1 KB
    config.reload_settings()
    files = [("files", ("big.txt", transcript("x").encode() * 20, "text/plain")),
             ("files", ("small.txt", transcript("small").encode(), "text/plain"))]
    response = client.post(UPLOAD, files=files, data={"tier": "ordinary"})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["total"] == 1
    assert body["errors"][0]["name"] == "big.txt"
    assert "INGEST_MAX_FILE_MB" in body["errors"][0]["reason"]


def test_too_many_files_is_400(client, monkeypatch):
    monkeypatch.setenv("INGEST_MAX_MEMBERS", "2")
    config.reload_settings()
    files = [("files", (f"n{i}.txt", transcript(f"t{i}").encode(), "text/plain")) for i in range(3)]
    response = client.post(UPLOAD, files=files, data={"tier": "ordinary"})
    assert response.status_code == 400
    assert "At most 2 files" in response.json()["detail"]


def test_upload_idempotency_key_returns_the_same_batch(client):
    files = [("files", ("hiring.vtt", VTT, "text/vtt"))]
    headers = {"Idempotency-Key": "upload-1"}
    first = client.post(UPLOAD, files=files, data={"tier": "ordinary"}, headers=headers)
    second = client.post(UPLOAD, files=files, data={"tier": "ordinary"}, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["batch_id"] == second.json()["batch_id"]
    assert len(batch_core.list_batches()) == 1
    changed = client.post(UPLOAD, files=files, data={"tier": "sensitive"}, headers=headers)
    assert changed.status_code == 422


def test_upload_yielding_more_meetings_than_the_limit_is_400(client, monkeypatch):
    monkeypatch.setenv("BATCH_MAX_MEETINGS", "2")
    config.reload_settings()
    files = [("files", (f"n{i}.txt", transcript(f"topic {i}").encode(), "text/plain")) for i in range(3)]
    headers = {"Idempotency-Key": "too-many-files"}
    response = client.post(UPLOAD, files=files, data={"tier": "ordinary"}, headers=headers)
    assert response.status_code == 400
    assert "2" in response.json()["detail"]
    assert batch_core.list_batches() == []
    # The key was not used up by the rejected request.
    response = client.post(UPLOAD, files=files[:2], data={"tier": "ordinary"}, headers=headers)
    assert response.status_code == 202


def test_a_sensitive_upload_answer_and_its_replay_cache_name_no_one(client):

    vtt = VTT.replace(b"Alice", b"Ingrid Solberg").replace(b"Bob", b"Kwame Mensah")
    files = [("files", ("hr_ingrid_solberg.vtt", vtt, "text/vtt")),
             ("files", ("notes_for_ingrid_solberg.pdf", b"%PDF-1.4 binary", "application/pdf"))]
    response = client.post(UPLOAD, files=files, data={"tier": "sensitive"},
                           headers={"Idempotency-Key": "sensitive-upload-1"})
    assert response.status_code == 202, response.text
    body = response.json()
    done = wait_for_batch(client, body["batch_id"])
    assert done["completed"] == 1
    answer = response.text + client.get(f"/api/v1/meetings/batch/{body['batch_id']}").text
    cached = "\n".join(str(get_client().get(k)) for k in get_client().scan_iter("idempotency:*"))
    assert cached.strip()
    for name in ("Ingrid", "Solberg", "ingrid", "solberg", "Kwame", "Mensah", "kwame", "mensah"):
        assert name not in answer and name not in cached, name
    assert body["files"][0]["speakers"] == ["SPEAKER_1", "SPEAKER_2"]
    assert body["files"][0]["name"].endswith(".vtt")
