"""Search: every word must occur, the best match first, highlighted snippets, filters, tiers the
principal may read, audited sensitive hits; the index follows Redis (deleted meetings vanish).
Each test runs on both backends: SQLite FTS5 (the session's server has no Query Engine) and
FT.SEARCH on a real server with the RediSearch module."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

import batch_core
from batch_core import Principal, Role, config
from batch_core.access import tokens
from batch_core.api.app import create_app
from batch_core.store.client import get_client as redis_client
from batch_core.store.keys import SEARCH_INDEX

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


def test_search_ranks_highlights_filters_and_follows_redis(make_meeting, search_backend):
    assert batch_core.store.search_backend() == search_backend
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
    if search_backend == "sqlite":
        index = Path(config.settings().data_dir) / "search" / "index.sqlite3"
        assert index.stat().st_mode & 0o777 == 0o600
        assert sqlite3.connect(index).execute("SELECT count(*) FROM docs").fetchone()[0] == 2
    else:  # one search hash per stored meeting, deleted with its record
        client = redis_client()
        assert sorted(client.scan_iter(match="search:*")) == sorted(
            f"search:{tier}:{ids[title]}" for title, tier in (("Budget sync", "ordinary"), ("HR case", "sensitive")))
        assert int(client.ft(SEARCH_INDEX).info()["num_docs"]) == 2


def test_meetings_stored_before_the_index_existed_are_found(make_meeting, query_engine_url, monkeypatch):
    """A server that gains the Query Engine (an upgrade to Redis 8), or records written while
    BATCH_SEARCH_BACKEND=sqlite: the first FT.SEARCH adds the missing search hashes."""
    client = redis.Redis.from_url(query_engine_url, decode_responses=True)
    client.flushall()
    monkeypatch.setenv("REDIS_URL", query_engine_url)
    monkeypatch.setenv("BATCH_SEARCH_BACKEND", "sqlite")
    config.reload_settings()
    batch_core.reset_for_tests()
    ids = _stored(make_meeting)
    assert not list(client.scan_iter(match="search:*")), "the sqlite backend writes no search hashes"
    monkeypatch.setenv("BATCH_SEARCH_BACKEND", "redis")
    config.reload_settings()
    assert batch_core.store.search_backend() == "redis"
    assert {h["meeting_id"] for h in batch_core.search_meetings("remote")} == {ids["Remote control kickoff"], ids["HR case"]}
    assert len(list(client.scan_iter(match="search:*"))) == 3
    client.flushall()
    client.close()


def test_asking_for_ft_search_on_a_server_without_it_says_so(monkeypatch):
    monkeypatch.setenv("BATCH_SEARCH_BACKEND", "redis")
    config.reload_settings()
    with pytest.raises(batch_core.StorageUnavailable, match="has no Query Engine"):
        batch_core.search_meetings("remote")


def test_search_over_http(make_meeting, tmp_path, monkeypatch, search_backend):
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


def test_a_search_matching_most_meetings_is_ranked_among_the_newest(make_meeting, monkeypatch):
    """SQLite backend: past RANKED_WINDOW matches only the newest are ranked, and the hits say so."""
    from batch_core.store import search_sqlite
    ids = _stored(make_meeting)
    monkeypatch.setattr(search_sqlite, "RANKED_WINDOW", 1)
    hits = batch_core.search_meetings("remote")
    assert [h["meeting_id"] for h in hits] == [ids["HR case"]]  # the newest of the two that match
    assert hits[0]["ranked_among_newest"] == 1
    monkeypatch.setattr(search_sqlite, "RANKED_WINDOW", 2)
    assert {h["ranked_among_newest"] for h in batch_core.search_meetings("remote")} == {None}


def test_snippets_mark_the_words_found_and_say_where_the_text_was_cut():
    from batch_core.store.common import MARK_END, MARK_START, marked_snippet
    text = " ".join(f"w{n}" for n in range(30)) + " the Remote, remotes and remodel " + " ".join(f"x{n}" for n in range(30))
    snippet = marked_snippet(["", text], ["remo"])
    assert snippet.startswith("…") and snippet.endswith("…")
    assert f"{MARK_START}Remote{MARK_END}," in snippet and f"{MARK_START}remotes{MARK_END}" in snippet
    assert marked_snippet(["Budget sync"], ["budget", "sy"]) == f"{MARK_START}Budget{MARK_END} {MARK_START}sync{MARK_END}"
    # an earlier word must be whole: "remote" does not mark "remotes"
    assert marked_snippet(["remotes remote x"], ["remote", "x"]) == f"remotes {MARK_START}remote{MARK_END} {MARK_START}x{MARK_END}"
    assert marked_snippet(["nothing here at all"], ["zebra"]) == "nothing here at all"


def test_a_date_filter_that_is_not_a_date_is_refused_in_words():
    with pytest.raises(batch_core.BatchError, match=r"date_from must be a date as YYYY-MM-DD, not '1 Oct'"):
        batch_core.search_meetings("remote", date_from="1 Oct")
