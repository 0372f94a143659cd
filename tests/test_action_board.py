"""The action-item board: items of every visible meeting, done marks stored with who and when,
sensitive meetings only for the sensitive role, exports; the same over HTTP and on the page."""
from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

import batch_core
from batch_core import Principal, Role, config
from batch_core.access import tokens
from batch_core.api.app import create_app

ANALYST = Principal("ana", frozenset({Role.ANALYST}), "test")
VIEWER = Principal("vic", frozenset(), "test")


def test_the_board_lists_every_item_marks_are_stored_and_exports_are_safe(board_meetings):
    stored = board_meetings
    rows = batch_core.action_items()
    assert len(rows) == 6 and rows[0]["meeting_date"] == "2026-11-25"  # newest meeting first
    roadmap = stored["Roadmap"]
    done = batch_core.set_action_done(roadmap, 0, True, principal=ANALYST)
    assert done["done"] and done["done_by"] == "ana" and done["done_at"]
    assert [(r["task"], r["done"]) for r in batch_core.action_items(status="done")] == [("Send the Roadmap notes", True)]
    assert len(batch_core.action_items(status="open")) == 5
    assert {r["owner"] for r in batch_core.action_items(owner="jon")} == {"Jonas"}
    assert len(batch_core.action_items(text="budget")) == 4  # the Budget meeting's two + each other "budget" task
    batch_core.set_action_done(roadmap, 0, False, principal=ANALYST)
    assert not batch_core.action_items(status="done")

    exported = list(csv.DictReader(io.StringIO(batch_core.action_items_csv(batch_core.action_items()))))
    assert len(exported) == 6 and all(not r["task"].startswith("=") for r in exported)
    markdown = batch_core.action_items_markdown(batch_core.action_items(tier="ordinary"))
    assert "## Budget (2026-11-20)" in markdown and "- [ ] Send the Budget notes — owner: Jonas; due: Friday" in markdown
    decisions = batch_core.decision_log()
    assert [d["decision"] for d in decisions][-1] == "Ship Roadmap small"


def test_roles_decide_who_sees_and_who_ticks(board_meetings):
    stored = board_meetings
    titles = {r["title"] for r in batch_core.action_items(principal=ANALYST)}
    assert titles == {"Roadmap", "Budget"}  # the sensitive meeting is absent, not forbidden
    with pytest.raises(batch_core.BatchError):
        batch_core.set_action_done(stored["HR case"], 0, True, principal=ANALYST)
    with pytest.raises(batch_core.AccessDenied):
        batch_core.set_action_done(stored["Roadmap"], 0, True, principal=VIEWER)
    batch_core.set_action_done(stored["HR case"], 1, True)  # the local operator: admin
    entry = batch_core.audit_log(meeting_id=stored["HR case"])[0]
    assert entry["action"] == "update" and "action item 1 marked done" in entry["detail"]


def test_deleting_a_meeting_takes_its_items_and_marks_with_it(board_meetings):
    stored = board_meetings
    batch_core.set_action_done(stored["Budget"], 0, True)
    assert batch_core.delete_meeting(stored["Budget"])
    assert "Budget" not in {r["title"] for r in batch_core.action_items()}
    assert not batch_core.action_items(status="done")


def test_the_board_over_http(board_meetings, tmp_path, monkeypatch):
    stored = board_meetings
    monkeypatch.setenv("BATCH_API_TOKENS_FILE", str(tmp_path / "api_tokens.toml"))
    config.reload_settings()
    analyst, viewer = tokens.add_token("analyst-token", ["analyst"]), tokens.add_token("viewer-token", [])
    with TestClient(create_app()) as api:
        as_analyst = {"Authorization": f"Bearer {analyst}"}
        listed = api.get("/api/v1/board/actions", headers=as_analyst).json()["action_items"]
        assert len(listed) == 4 and {r["tier"] for r in listed} == {"ordinary"}
        marked = api.put(f"/api/v1/board/actions/{stored['Budget']}/0", json={"done": True}, headers=as_analyst)
        assert marked.status_code == 200 and marked.json()["done_by"] == "analyst-token"
        refused = api.put(f"/api/v1/board/actions/{stored['Budget']}/1", json={"done": True},
                          headers={"Authorization": f"Bearer {viewer}"})
        assert refused.status_code == 403
        assert api.put(f"/api/v1/board/actions/{stored['Budget']}/9", json={"done": True},
                       headers=as_analyst).status_code == 400
        exported = api.get("/api/v1/board/actions", params={"format": "csv", "status": "done"}, headers=as_analyst)
        assert exported.headers["content-type"].startswith("text/csv") and "Send the Budget notes" in exported.text
        decisions = api.get("/api/v1/board/decisions", headers=as_analyst).json()["decisions"]
        assert {d["title"] for d in decisions} == {"Roadmap", "Budget"}
