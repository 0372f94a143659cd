"""store/ on a real redis-server: atomic row transitions, snapshots, TTLs and meeting indexes."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

from batch_core.store.client import get_client
from batch_core import store
from batch_core.models import (QueuedInput, Insights, MeetingIn, MeetingRecord, MeetingRow, MeetingState,
                               Tier)

Q, P, C, F = (MeetingState.QUEUED, MeetingState.PROCESSING, MeetingState.COMPLETED,
              MeetingState.FAILED)


def _batch(n=3, skipped=(), batch_id="batch_test0001"):
    rows, items = [], {}
    for i in range(n):
        status = MeetingState.SKIPPED if i in skipped else Q
        rows.append(MeetingRow(index=i, title=f"T{i}", tier=Tier.ORDINARY, status=status))
        if status is Q:
            items[i] = QueuedInput(meeting=MeetingIn(title=f"T{i}", tier=Tier.ORDINARY, transcript="x"),
                                   title_digest=f"digest{i}")
    store.create_batch(batch_id, store.utc_now(), "skip", "me", time.time() + 3600, rows, items)
    return batch_id


def _counts(header):
    return {s.value: header[s.value] for s in MeetingState}


def test_create_then_snapshot_counts_agree_with_rows():
    batch_id = _batch(12, skipped={3})
    header, rows = store.snapshot(batch_id)
    assert header["total"] == 12 and header["queued"] == 11 and header["skipped"] == 1
    assert [r["index"] for r in rows] == list(range(12)), "zero-padded fields keep numeric order"
    assert header["status"] == "processing"


def test_transition_moves_row_and_counters_together_and_checks_the_from_state():
    batch_id = _batch()
    assert store.complete(batch_id, 0, {}, owner="") is None, "a queued row cannot complete"
    row = store.claim(batch_id, 0, {"owner": "w1", "stage": "parse"})
    assert row["status"] == "processing" and row["stage"] == "parse"
    assert store.claim(batch_id, 0, {}) is None, "claimed only once"
    assert store.complete(batch_id, 0, {}, owner="someone-else") is None
    done = store.complete(batch_id, 0, {"meeting_id": "meeting_x"}, owner="w1", add_attempts=2)
    assert done["status"] == "completed" and done["attempts"] == 2
    header, rows = store.snapshot(batch_id)
    assert (header["queued"], header["processing"], header["completed"]) == (2, 0, 1)
    assert store.get_item(batch_id, 0) is None and store.get_item(batch_id, 1) is not None


def test_last_terminal_row_finalises_the_batch_with_ttl():
    batch_id = _batch(2)
    client = get_client()
    for index in (0, 1):
        store.claim(batch_id, index, {"owner": "w"})
        assert client.ttl(store.batch_key(batch_id)) == -1
        (store.fail if index else store.complete)(batch_id, index, {"error": "boom"}, owner="w")
    header = store.header(batch_id)
    assert header["status"] == "completed" and header["finished_at"]
    for key in (store.batch_key(batch_id), store.results_key(batch_id), store.items_key(batch_id)):
        assert client.ttl(key) > 86000 or not client.exists(key)
    assert client.ttl(store.items_key(batch_id)) > 86000, "the failed meeting's input is kept"


def test_bulk_cancel_and_retry():
    batch_id = _batch(4)
    store.claim(batch_id, 0, {"owner": "w"})
    moved = store.cancel_queued(batch_id, {})
    assert moved == [1, 2, 3]
    header = store.header(batch_id)
    assert header["status"] == "processing" and header["cancel_requested"] == "1"
    store.fail(batch_id, 0, {"error": "x"})
    header = store.header(batch_id)
    assert header["status"] == "canceled" and header["canceled"] == 3 and header["failed"] == 1
    assert store.requeue_failed(batch_id, {"error": None}, ("test-owner", 0.0)) == [0]
    header = store.header(batch_id)
    assert header["status"] == "processing" and "finished_at" not in header
    assert get_client().ttl(store.batch_key(batch_id)) == -1
    assert store.queued_indexes(batch_id) == [0]


def test_all_skipped_batch_is_completed_at_creation():
    batch_id = _batch(2, skipped={0, 1})
    header = store.header(batch_id)
    assert header["status"] == "completed" and header["skipped"] == 2
    assert get_client().ttl(store.batch_key(batch_id)) > 0


def test_only_one_of_many_concurrent_claims_wins():
    batch_id = _batch(1)
    wins = []
    barrier = threading.Barrier(16)

    def claim(n):
        barrier.wait()
        if store.claim(batch_id, 0, {"owner": f"w{n}"}):
            wins.append(n)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1
    assert store.header(batch_id)["processing"] == 1


def _record(meeting_id, title, tier=Tier.ORDINARY, minutes_ago=0):
    at = (datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)).isoformat()
    return MeetingRecord(meeting_id=meeting_id, title=title, tier=tier, processed_at=at,
                         provider="local", model="m", speakers=[], word_count=1, transcript="x",
                         insights=Insights(summary="s"), sentiment=[], audit=[])


def test_meeting_records_titles_and_deletion():
    store.save_record(_record("meeting_old", "Weekly Sync", minutes_ago=5))
    store.save_record(_record("meeting_new", "weekly   SYNC"))
    store.save_record(_record("meeting_sens", "Weekly Sync", tier=Tier.SENSITIVE))
    assert store.ids_with_title("ordinary", " WEEKLY sync ") == ["meeting_old", "meeting_new"]
    assert store.ids_with_title("sensitive", "weekly sync") == ["meeting_sens"]
    newest = store.recent_records([Tier.ORDINARY, Tier.SENSITIVE], 10)
    assert [r["meeting_id"] for r in newest][-1] == "meeting_old"
    assert store.load_record("meeting_new")["title"] == "weekly   SYNC"
    assert store.delete_record("meeting_new") is True
    assert store.delete_record("meeting_new") is False
    assert store.load_record("meeting_new") is None
    assert store.ids_with_title("ordinary", "weekly sync") == ["meeting_old"]
    store.save_record(_record("meeting_old", "Weekly Sync"))  # same id: overwritten, not added
    assert store.ids_with_title("ordinary", "weekly sync") == ["meeting_old"]


def test_idempotency_keys():
    assert store.idempotency_reserve("k1", 60) is None
    assert store.idempotency_reserve("k1", 60) == ""
    store.idempotency_save("k1", "batch_1", 60)
    assert store.idempotency_reserve("k1", 60) == "batch_1"
    store.idempotency_release("k1")
    assert store.idempotency_reserve("k1", 60) is None


def test_listings_read_small_summaries_and_make_missing_ones_once(redis_url):
    import redis as redis_client
    store.save_record(_record("meeting_a", "Alpha", minutes_ago=3))
    store.save_record(_record("meeting_b", "Beta", minutes_ago=1))
    client = redis_client.Redis.from_url(redis_url, decode_responses=True)
    client.hdel("meetings:ordinary:summaries", "meeting_a")  # stored before summaries existed
    listed = store.recent_summaries([Tier.ORDINARY], 10)
    assert [s["meeting_id"] for s in listed] == ["meeting_b", "meeting_a"]
    assert "transcript" not in listed[0] and listed[0]["summary"] == "s"
    assert client.hexists("meetings:ordinary:summaries", "meeting_a")  # made once, kept
    assert store.recent_summaries([Tier.ORDINARY], 10, keep=lambda s: s["title"] == "Alpha")[0]["meeting_id"] == "meeting_a"
    store.delete_record("meeting_b")
    assert not client.hexists("meetings:ordinary:summaries", "meeting_b")
