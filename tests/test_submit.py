"""submit(): the returned shape, batch limits, field validation and the three duplicate policies."""
from __future__ import annotations

import re

import pytest

from batch_core.store.client import get_client
import batch_core
from batch_core import store
from batch_core.config import reload_settings

TRANSCRIPT = (
    "Maria: Good morning everyone, let's review the launch plan for the new billing page.\n"
    "Jonas: We agreed to ship the billing page on the 14th after the final security review.\n"
    "Maria: Jonas, can you send the release notes to the support team by Friday?\n"
    "Jonas: Yes, I'll send them by Friday. Who owns the pricing FAQ update?\n"
)


_DEFAULT = object()


def meeting(title="Launch review", tier="ordinary", transcript=_DEFAULT, **extra):
    # Each title its own words: the same text under another title is a duplicate by content.
    text = f"{TRANSCRIPT}\nAlice: That closes {title}." if transcript is _DEFAULT else transcript
    return {"title": title, "tier": tier, "transcript": text, **extra}


def test_submit_returns_at_once_with_the_contract_shape():
    result = batch_core.submit([meeting()])
    assert set(result) == {"batch_id", "total", "status", "submitted_at", "mode", "name"}
    assert re.fullmatch(r"batch_[0-9a-f]{8}", result["batch_id"])
    assert result["total"] == 1
    assert result["status"] == "processing"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", result["submitted_at"])
    done = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    assert done["status"] == "completed" and done["completed"] == 1


def test_empty_batch_is_rejected_and_states_the_limit():
    with pytest.raises(batch_core.BatchError, match="at least 1 meeting.*at most 50"):
        batch_core.submit([])
    assert batch_core.list_batches() == []


def test_over_the_limit_is_rejected_before_anything_is_stored():
    with pytest.raises(batch_core.BatchError, match="at most 50 meetings.*got 51"):
        batch_core.submit([meeting(title=f"M{i}") for i in range(51)])
    assert batch_core.list_batches() == []


def test_limit_follows_the_setting(monkeypatch):
    monkeypatch.setenv("BATCH_MAX_MEETINGS", "2")
    reload_settings()
    with pytest.raises(batch_core.BatchError, match="at most 2 meetings"):
        batch_core.submit([meeting(title=f"M{i}") for i in range(3)])


@pytest.mark.parametrize("bad, pattern", [
    ({"tier": "secret"}, r"Meeting 2 \('Launch review'\): tier must be one of 'ordinary', 'sensitive' \(got 'secret'\)"),
    ({"tier": None}, r"Meeting 2 .*tier must be one of"),
    ({"title": "   "}, r"Meeting 2: title is empty"),
    ({"title": None}, r"Meeting 2: title is empty"),
    ({"transcript": None}, r"Meeting 2 .*transcript is missing"),
    ({"transcript": 42}, r"Meeting 2 .*transcript must be text"),
])
def test_invalid_fields_are_named_with_the_position(bad, pattern):
    with pytest.raises(batch_core.BatchError, match=pattern):
        batch_core.submit([meeting(title="First"), meeting(**bad)])
    assert batch_core.list_batches() == []


def test_invalid_duplicate_policy_is_named():
    with pytest.raises(batch_core.BatchError, match="on_duplicate must be one of"):
        batch_core.submit([meeting()], on_duplicate="merge")


def test_too_short_and_too_long_are_skipped_with_the_reason(monkeypatch):
    monkeypatch.setenv("BATCH_MAX_TRANSCRIPT_CHARS", "1000")
    reload_settings()
    long_text = TRANSCRIPT * 10
    result = batch_core.submit([meeting(title="Short", transcript="Maria: hi there."),
                                meeting(title="Long", transcript=long_text),
                                meeting(title="Fine")])
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    short, long_, fine = batch["results"]
    assert short["status"] == "skipped"
    assert "too short: 3 words; at least 20" in short["error"]
    assert long_["status"] == "skipped"
    assert f"too long: {len(long_text):,} characters; the limit is 1,000" in long_["error"]
    assert fine["status"] == "completed"
    assert (batch["skipped"], batch["completed"], batch["status"]) == (2, 1, "completed")


def test_all_skipped_batch_is_completed_immediately():
    result = batch_core.submit([meeting(transcript="too short")])
    assert result["status"] == "completed"
    batch = batch_core.get(result["batch_id"])
    assert batch["status"] == "completed" and batch["skipped"] == 1 and batch["finished_at"]


def _first_run():
    first = batch_core.wait(batch_core.submit([meeting()])["batch_id"], timeout=60, poll=0.05)
    return first["results"][0]["meeting_id"]


def test_skip_policy_skips_stored_and_in_batch_duplicates():
    old_id = _first_run()
    result = batch_core.submit([meeting(title="  LAUNCH   review "),
                                meeting(title="Other"), meeting(title="other"),
                                meeting(title="Launch review", tier="sensitive")])
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    rows = batch["results"]
    assert rows[0]["status"] == "skipped" and old_id in rows[0]["error"]
    assert rows[1]["status"] == "completed"
    assert rows[2]["status"] == "skipped"
    assert "meeting 2 in this batch" in rows[2]["error"] and rows[1]["meeting_id"] in rows[2]["error"]
    assert rows[3]["status"] == "completed", "another tier is not a duplicate"
    assert batch_core.get_meeting(old_id) is not None


def test_replace_policy_removes_the_old_record_only_after_success():
    old_id = _first_run()
    result = batch_core.submit([meeting(title="launch review")], on_duplicate="replace")
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    new_id = batch["results"][0]["meeting_id"]
    assert batch["results"][0]["status"] == "completed" and new_id != old_id
    assert batch_core.get_meeting(old_id) is None
    assert batch_core.get_meeting(new_id)["title"] == "launch review"
    assert [m["meeting_id"] for m in batch_core.list_meetings()] == [new_id]


def test_replace_policy_keeps_the_old_record_when_the_new_one_fails(monkeypatch, unreachable_llm):
    old_id = _first_run()
    unreachable_llm()
    result = batch_core.submit([meeting(title="launch review")], on_duplicate="replace")
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    assert batch["results"][0]["status"] == "failed"
    assert batch_core.get_meeting(old_id) is not None


def test_replace_policy_in_one_batch_keeps_the_last_copy():
    result = batch_core.submit([meeting(), meeting(title="LAUNCH REVIEW")], on_duplicate="replace")
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    first, last = batch["results"]
    assert first["status"] == "skipped" and "Replaced by meeting 2" in first["error"]
    assert last["status"] == "completed"
    assert len(batch_core.list_meetings()) == 1


def test_allow_duplicates_keeps_both():
    old_id = _first_run()
    result = batch_core.submit([meeting(), meeting()], on_duplicate="allow_duplicates")
    batch = batch_core.wait(result["batch_id"], timeout=60, poll=0.05)
    assert [r["status"] for r in batch["results"]] == ["completed", "completed"]
    ids = {m["meeting_id"] for m in batch_core.list_meetings()}
    assert len(ids) == 3 and old_id in ids
    dupes = batch_core.find_duplicates([("Launch  REVIEW", "ordinary"), ("Nope", "ordinary")])
    assert set(dupes) == {("launch review", "ordinary")}
    assert dupes[("launch review", "ordinary")] in ids


def test_sensitive_input_is_not_kept_once_processed(redis_url):
    result = batch_core.submit([meeting(tier="sensitive",
                                        transcript=TRANSCRIPT + "Maria: mail me at maria.k@example.com\n")])
    batch_core.wait(result["batch_id"], timeout=120, poll=0.05)
    client = get_client()
    assert client.hlen(store.items_key(result["batch_id"])) == 0
    for key in client.scan_iter("*"):
        if client.type(key) == "string":
            assert "maria.k@example.com" not in client.get(key)


def test_meetings_are_counted_per_tier_from_the_index(make_meeting):
    batch = batch_core.submit([make_meeting("A"), make_meeting("B"), make_meeting("C", tier="sensitive")])
    assert batch_core.wait(batch["batch_id"], timeout=60, poll=0.05)["completed"] == 3
    assert batch_core.count_meetings() == {"ordinary": 2, "sensitive": 1}
    assert batch_core.count_meetings("sensitive") == {"sensitive": 1}
