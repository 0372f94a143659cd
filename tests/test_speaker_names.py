"""Speaker names: a label named or two merged; insights, sentiment, minutes and the board follow;
for the sensitive tier the names are sealed at rest and only the sensitive role sees them."""
from __future__ import annotations

import os

import pytest
import redis
from fastapi.testclient import TestClient

import batch_core
from batch_core import Principal, Role, config
from batch_core.access import tokens
from batch_core.api.app import create_app
from tests.redis_scan import every_value

ANALYST = Principal("ana", frozenset({Role.ANALYST}), "test")


def test_naming_and_merging_speakers_reaches_every_view(board_meetings):
    roadmap = board_meetings["Roadmap"]
    record = batch_core.rename_speakers(roadmap, {"Jonas": "Jonas Berg", "Alice": "Maria"})
    assert "Jonas Berg" in record["speakers"] and "Alice" not in record["speakers"]
    assert record["speakers"].count("Maria") == 1  # merged
    assert "\nJonas Berg: " in "\n" + record["transcript"] and "\nAlice: " not in "\n" + record["transcript"]
    assert record["insights"]["action_items"][0]["owner"] == "Jonas Berg"
    merged = {s["speaker"]: s for s in record["sentiment"]}
    assert "Alice" not in merged and merged["Maria"]["utterances"] >= 2
    assert batch_core.get_meeting(roadmap)["speaker_names"] == {"Jonas": "Jonas Berg", "Alice": "Maria"}
    assert "| Jonas Berg | Friday | high |" in batch_core.meeting_minutes(roadmap)
    owners = {r["owner"] for r in batch_core.action_items() if r["meeting_id"] == roadmap}
    assert owners == {"Jonas Berg", "Maria"}
    batch_core.rename_speakers(roadmap, {"Jonas": ""})  # a name taken back
    assert "Jonas" in batch_core.get_meeting(roadmap)["speakers"]
    with pytest.raises(batch_core.BatchError, match="not a speaker of this meeting"):
        batch_core.rename_speakers(roadmap, {"Nobody": "X"})


def test_sensitive_names_are_sealed_and_hidden_from_other_roles(board_meetings):
    secret = board_meetings["HR case"]
    speakers = batch_core.get_meeting(secret)["speakers"]
    batch_core.rename_speakers(secret, {speakers[0]: "Kari Nordmann"})
    assert batch_core.get_meeting(secret)["speakers"][0] == "Kari Nordmann"
    stored = every_value(redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True))
    assert "Kari Nordmann" not in stored and "Nordmann" not in stored
    with pytest.raises(batch_core.BatchError):  # absent for an analyst, not forbidden
        batch_core.rename_speakers(secret, {speakers[0]: "Ola"}, principal=ANALYST)
    assert batch_core.audit_log(meeting_id=secret)[0]["detail"] == "1 speaker name(s) set"


def test_speaker_names_over_http(board_meetings, tmp_path, monkeypatch):
    monkeypatch.setenv("BATCH_API_TOKENS_FILE", str(tmp_path / "api_tokens.toml"))
    config.reload_settings()
    analyst, viewer = tokens.add_token("analyst-token", ["analyst"]), tokens.add_token("viewer-token", [])
    with TestClient(create_app()) as api:
        path = f"/api/v1/meetings/{board_meetings['Budget']}/speakers"
        named = api.put(path, json={"names": {"Jonas": "Jonas Berg"}}, headers={"Authorization": f"Bearer {analyst}"})
        assert named.status_code == 200 and "Jonas Berg" in named.json()["speakers"]
        assert api.put(path, json={"names": {"Jonas": "J"}},
                       headers={"Authorization": f"Bearer {viewer}"}).status_code == 403
