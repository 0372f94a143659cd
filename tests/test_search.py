"""Search: every word must occur, the best match first, highlighted snippets, filters, tiers the
principal may read, audited sensitive hits; the index follows Redis (deleted meetings vanish)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

import batch_core
from batch_core import Principal, Role, config
from batch_core.access import tokens
from batch_core.api.app import create_app

ANALYST = Principal("ana", frozenset({Role.ANALYST}), "test")
REMOTE = ("Maria: The remote control needs fewer buttons, the remote should feel simple.\n"
          "Jonas: We agreed the remote uses a rubber case. Let's meet on the design again next week.\n"
          "Maria: Jonas will draw the remote buttons and send them before Friday.\n")


def _stored(make_meeting) -> dict[str, str]:
    batch = batch_core.wait(batch_core.submit([
        make_meeting("Remote control kickoff", transcript=REMOTE, meeting_date="2026-10-01"),
        make_meeting("Budget sync", meeting_date="2026-11-15"),
        make_meeting("HR case", tier="sensitive", transcript=REMOTE.replace("rubber", "plastic"),
                     meeting_date="2026-11-20")])["batch_id"], timeout=120)
    assert batch["completed"] == 3, [r["error"] for r in batch["results"]]
    return {r["title"]: r["meeting_id"] for r in batch["results"]}


def test_search_ranks_highlights_filters_and_follows_redis(make_meeting):
    ids = _stored(make_meeting)
    hits = batch_core.search_meetings("remote")
    assert [h["meeting_id"] for h in hits][:1] == [ids["Remote control kickoff"]]  # title weighs most
    assert {h["meeting_id"] for h in hits} == {ids["Remote control kickoff"], ids["HR case"]}
    top = hits[0]
    assert top["highlights"] and all(top["snippet"][a:b].lower().startswith("remote") for a, b in top["highlights"])
    assert [h["title"] for h in batch_core.search_meetings("rubber case")] == ["Remote control kickoff"]
    assert batch_core.search_meetings("remo")  # the last word as a prefix: results while typing
    assert batch_core.search_meetings("remote budget") == []  # every word must occur
    assert [h["title"] for h in batch_core.search_meetings("remote", date_from="2026-11-01")] == ["HR case"]
    assert [h["title"] for h in batch_core.search_meetings("remote", tier="ordinary")] == ["Remote control kickoff"]
    assert batch_core.search_meetings("remote", speaker="Jonas") and not batch_core.search_meetings("remote", speaker="Zed")
    # An analyst never finds the sensitive meeting; the admin's sensitive hit is audited without the words.
    assert {h["tier"] for h in batch_core.search_meetings("remote", principal=ANALYST)} == {"ordinary"}
    entry = batch_core.audit_log(limit=1)[0]
    assert entry["action"] == "search" and "remote" not in str(entry)
    # The index follows Redis: a deleted meeting is no longer found.
    batch_core.delete_meeting(ids["Remote control kickoff"])
    assert [h["title"] for h in batch_core.search_meetings("remote")] == ["HR case"]
    index = Path(config.settings().data_dir) / "search" / "index.sqlite3"
    assert index.stat().st_mode & 0o777 == 0o600
    assert sqlite3.connect(index).execute("SELECT count(*) FROM docs").fetchone()[0] == 2


def test_search_over_http(make_meeting, tmp_path, monkeypatch):
    ids = _stored(make_meeting)
    monkeypatch.setenv("BATCH_API_TOKENS_FILE", str(tmp_path / "api_tokens.toml"))
    config.reload_settings()
    analyst = tokens.add_token("analyst-token", ["analyst"])
    with TestClient(create_app()) as api:
        answer = api.get("/api/v1/meetings/search", params={"q": "remote control"},
                         headers={"Authorization": f"Bearer {analyst}"})
        assert answer.status_code == 200, answer.text
        assert [h["meeting_id"] for h in answer.json()["hits"]] == [ids["Remote control kickoff"]]
        bad = api.get("/api/v1/meetings/search", params={"q": "x", "date_from": "1 Oct"},
                      headers={"Authorization": f"Bearer {analyst}"})
        assert bad.status_code == 422
