"""Listing pages: only the window asked for is read, and pages put together give the whole list."""
from __future__ import annotations

import batch_core
from batch_core import store
from batch_core.models import Insights, MeetingRecord, Tier


def _store(count: int) -> None:
    for n in range(count):
        store.save_record(MeetingRecord(
            meeting_id=f"meeting_{n:012x}", batch_id="batch_00000000", title=f"{'Budget' if n % 3 else 'Design'} {n}",
            tier=Tier.SENSITIVE if n % 4 == 0 else Tier.ORDINARY, processed_at=f"2026-11-{1 + n // 2:02d}T12:00:00.000Z",  # pairs tie
            provider="local", model="local-rules-v1", speakers=["A"], word_count=30, transcript="word " * 30,
            insights=Insights(summary="s"), sentiment=[], audit=[]))


def test_pages_over_one_tier_and_over_all_tiers_add_up_to_the_list():
    _store(11)
    for tier in (None, "ordinary", "sensitive"):
        listed = batch_core.list_meetings(tier=tier, limit=100)
        whole = [m["meeting_id"] for m in listed]
        times = [m["processed_at"] for m in listed]
        assert times == sorted(times, reverse=True)  # newest first
        paged = [m["meeting_id"] for offset in range(0, 12, 3)
                 for m in batch_core.list_meetings(tier=tier, limit=3, offset=offset)]
        assert paged == whole, tier
    assert len(batch_core.list_meetings(limit=100)) == 11
    assert batch_core.list_meetings(limit=3, offset=11) == []


def test_deep_pages_found_by_score_match_the_list(monkeypatch):
    _store(11)
    whole = [m["meeting_id"] for m in batch_core.list_meetings(limit=100)]
    monkeypatch.setattr("batch_core.store.meetings._DEEP_OFFSET", 0)
    for size in (1, 3, 4):
        paged = [m["meeting_id"] for offset in range(0, 12, size)
                 for m in batch_core.list_meetings(limit=size, offset=offset)]
        assert paged == whole, size
    assert batch_core.list_meetings(limit=3, offset=11) == []


def test_a_title_filter_pages_over_the_matches():
    _store(11)
    designs = [m["title"] for m in batch_core.list_meetings(search="design", limit=100)]
    assert designs == ["Design 9", "Design 6", "Design 3", "Design 0"]
    assert [m["title"] for m in batch_core.list_meetings(search="design", limit=2, offset=1)] == ["Design 6", "Design 3"]
