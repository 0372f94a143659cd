"""Roles enforced in batch_core's public API (real Redis): each role sees exactly what it may,
sensitive data is absent (not "forbidden") for the rest, and every sensitive access is audited."""
from __future__ import annotations

import pytest

import batch_core as core
from batch_core import Principal, Role
from tests.ui.ui_support import meeting, sensitive_transcript, submit_and_wait

VIEWER = Principal("vera-viewer", frozenset(), via="test")
ANALYST = Principal("anders-analyst", frozenset({Role.ANALYST}), via="test")
CLEARED = Principal("siri-sensitive", frozenset({Role.SENSITIVE}), via="test")
ADMIN = Principal("ada-admin", frozenset({Role.ADMIN}), via="test")


@pytest.fixture
def stored():
    """One ordinary and one sensitive batch, processed by the local operator."""
    ordinary = submit_and_wait([meeting("Roadmap sync")])
    sensitive = submit_and_wait([meeting("HR case review", "sensitive", sensitive_transcript())])
    assert ordinary["completed"] == 1 and sensitive["completed"] == 1
    return {"ordinary": ordinary, "sensitive": sensitive,
            "ordinary_meeting": ordinary["results"][0]["meeting_id"],
            "sensitive_meeting": sensitive["results"][0]["meeting_id"]}


@pytest.mark.parametrize("who", [VIEWER, ANALYST], ids=["viewer", "analyst"])
def test_without_the_sensitive_role_sensitive_data_is_absent(stored, who):
    assert core.get(stored["sensitive"]["batch_id"], principal=who) is None
    assert core.get(stored["ordinary"]["batch_id"], principal=who) is not None
    listed = {b["batch_id"] for b in core.list_batches(principal=who)}
    assert listed == {stored["ordinary"]["batch_id"]}
    assert core.get_meeting(stored["sensitive_meeting"], principal=who) is None
    assert core.get_meeting(stored["ordinary_meeting"], principal=who) is not None
    assert [m["tier"] for m in core.list_meetings(principal=who)] == ["ordinary"]
    assert core.list_meetings(tier="sensitive", principal=who) == []
    assert core.count_meetings(principal=who) == {"ordinary": 1}
    assert core.find_duplicates([("HR case review", "sensitive")], principal=who) == {}
    with pytest.raises(core.BatchError, match="does not exist"):
        core.cancel(stored["sensitive"]["batch_id"], principal=who)
    with pytest.raises(core.BatchError, match="does not exist"):
        core.retry_failed(stored["sensitive"]["batch_id"], principal=who)


@pytest.mark.parametrize("who", [CLEARED, ADMIN], ids=["sensitive", "admin"])
def test_the_sensitive_role_sees_both_tiers(stored, who):
    assert core.get(stored["sensitive"]["batch_id"], principal=who) is not None
    assert len(core.list_batches(principal=who)) == 2
    assert core.count_meetings(principal=who) == {"ordinary": 1, "sensitive": 1}
    assert core.get_meeting(stored["sensitive_meeting"], principal=who)["tier"] == "sensitive"
    assert core.find_duplicates([("HR case review", "sensitive")], principal=who) == {
        ("hr case review", "sensitive"): stored["sensitive_meeting"]}


@pytest.mark.parametrize("who, ordinary, sensitive", [
    (VIEWER, False, False), (ANALYST, True, False), (CLEARED, False, True), (ADMIN, True, True),
], ids=["viewer", "analyst", "sensitive", "admin"])
def test_who_may_submit_what(who, ordinary, sensitive):
    for tier, allowed in (("ordinary", ordinary), ("sensitive", sensitive)):
        batch = [meeting(f"{tier} submit by {who.name}", tier)]
        if allowed:
            assert core.submit(batch, principal=who)["total"] == 1
            assert core.estimate(batch, principal=who)["meetings"] == 1
        else:
            with pytest.raises(core.AccessDenied, match="may not process"):
                core.submit(batch, principal=who)
            with pytest.raises(core.AccessDenied):
                core.estimate(batch, principal=who)
    reads = ordinary or sensitive
    if reads:
        assert core.read_files([("a.txt", b"Alice: hello there")], principal=who) is not None
    else:
        with pytest.raises(core.AccessDenied):
            core.read_files([("a.txt", b"Alice: hello there")], principal=who)


def test_a_viewer_cannot_change_an_ordinary_batch(stored):
    with pytest.raises(core.AccessDenied, match="analyst"):
        core.cancel(stored["ordinary"]["batch_id"], principal=VIEWER)
    with pytest.raises(core.AccessDenied, match="analyst"):
        core.retry_failed(stored["ordinary"]["batch_id"], principal=VIEWER)
    # The analyst may try; the batch simply has nothing to retry.
    with pytest.raises(core.BatchError, match="no failed meetings"):
        core.retry_failed(stored["ordinary"]["batch_id"], principal=ANALYST)


@pytest.mark.parametrize("who", [VIEWER, ANALYST, CLEARED], ids=["viewer", "analyst", "sensitive"])
def test_only_admins_delete_and_read_the_audit(stored, who):
    with pytest.raises(core.AccessDenied, match="admin"):
        core.delete_meeting(stored["ordinary_meeting"], principal=who)
    with pytest.raises(core.AccessDenied, match="admin"):
        core.audit_log(principal=who)
    assert core.get_meeting(stored["ordinary_meeting"], principal=ADMIN) is not None


def test_every_sensitive_access_is_audited(stored):
    meeting_id = stored["sensitive_meeting"]
    core.get_meeting(meeting_id, principal=CLEARED)
    core.get_meeting(meeting_id, principal=CLEARED)  # the same view again, at once: one entry
    core.get_meeting(meeting_id, principal=CLEARED, access="download")
    core.record_download(meeting_id, "json", principal=ADMIN)
    core.get_meeting(stored["ordinary_meeting"], principal=CLEARED)  # ordinary: not audited
    core.get_meeting(meeting_id, principal=VIEWER)  # absent for a viewer: nothing was seen
    assert core.delete_meeting(meeting_id, principal=ADMIN)
    entries = core.audit_log(principal=ADMIN)
    mine = [(e["action"], e["who"], e["detail"]) for e in entries if e["meeting_id"] == meeting_id]
    assert mine == [("delete", "ada-admin", ""), ("download", "ada-admin", "json"),
                    ("download", "siri-sensitive", ""), ("view", "siri-sensitive", "")]
    submits = [e for e in entries if e["action"] == "submit"]
    assert [e["batch_id"] for e in submits] == [stored["sensitive"]["batch_id"]]
    assert all(e["at"] and e["via"] for e in entries)
    assert core.audit_log(meeting_id=meeting_id, principal=ADMIN)[0]["action"] == "delete"


def test_ids_are_validated_before_any_key_is_touched():
    for bad in ("batch_xxxxxxxx:items", "batch_1234", "../batch_deadbeef", "batch_DEADBEEF"):
        with pytest.raises(core.BatchError, match="not a batch id"):
            core.get(bad)
        with pytest.raises(core.BatchError, match="not a batch id"):
            core.retry_failed(bad)
    with pytest.raises(core.BatchError, match="not a meeting id"):
        core.get_meeting("meeting_x:ordinary")
