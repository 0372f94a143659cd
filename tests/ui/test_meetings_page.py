"""Meetings page: empty store, browse per tier and search, open one, redaction badge, delete."""
from __future__ import annotations

import pytest

import batch_core as core
from ui_support import (
    PLANTED_EMAIL, assert_clean, meeting, open_page, sensitive_transcript, submit_and_wait, texts,
)

PAGE = "pages/3_Meetings.py"


def _populate() -> dict[str, str]:
    batch = submit_and_wait([meeting("Roadmap review"), meeting("Budget sync"),
                             meeting("HR case *urgent*", tier="sensitive",
                                     text=sensitive_transcript())])
    assert batch["completed"] == 3, batch
    return {row["title"]: row["meeting_id"] for row in batch["results"]}


def test_meetings_page_on_an_empty_store():
    at = open_page(PAGE)
    assert_clean(at)
    assert "No processed meetings yet" in texts(at)


def test_browse_filters_by_tier_and_searches():
    _populate()
    at = open_page(PAGE)
    assert_clean(at)
    assert set(at.dataframe[0].value["Title"]) == {"Roadmap review", "Budget sync", "HR case *urgent*"}
    at.segmented_control(key="meeting_tier").set_value("sensitive").run()
    assert_clean(at)
    assert list(at.dataframe[0].value["Title"]) == ["HR case *urgent*"]
    at.segmented_control(key="meeting_tier").set_value("all").run()
    at.text_input(key="meeting_search").set_value("budget").run()
    assert_clean(at)
    assert list(at.dataframe[0].value["Title"])[0] == "Budget sync"  # full text, the title match first
    at.text_input(key="meeting_search").set_value("no such title").run()
    assert "No processed meetings match" in texts(at)


def test_open_sensitive_meeting_shows_insights_and_redaction_badge():
    ids = _populate()
    at = open_page(PAGE, query={"meeting": ids["HR case *urgent*"]})
    assert_clean(at)
    # The title is shown literally: its asterisks are escaped, not rendered as emphasis.
    assert at.header[0].value == "HR case \\*urgent\\*"
    page = texts(at)
    assert "Redacted" in page
    assert "Summary" in page
    assert "Automatic draft from offline rules (model `local-rules-v1`)" in page
    record = core.get_meeting(ids["HR case *urgent*"])
    # The redacted transcript is shown with its placeholders highlighted, and what was found.
    shown = "\n".join(m.value for m in at.markdown if ":orange-background[" in m.value)
    assert ":orange-background[&lt;EMAIL_ADDRESS_1&gt;]" in shown
    assert ":orange-background[&lt;PHONE_NUMBER_1&gt;]" in shown
    assert ":orange-background[SPEAKER_1]" in shown
    assert PLANTED_EMAIL not in shown and PLANTED_EMAIL not in page
    assert "1 e-mail address" in page and "1 phone number" in page
    frames = [d.value for d in at.dataframe]
    audit = next(f for f in frames if "Step" in f.columns)
    assert list(audit["Step"]) == [entry["step"] for entry in record["audit"]]
    sentiment = [f for f in frames if "Utterances" in f.columns][0]
    assert set(sentiment["Speaker"]) == {s["speaker"] for s in record["sentiment"]}


def test_ordinary_meeting_has_no_redaction_badge():
    ids = _populate()
    at = open_page(PAGE, query={"meeting": ids["Roadmap review"]})
    assert_clean(at)
    assert at.header[0].value == "Roadmap review"
    assert "Redacted" not in texts(at)


def test_delete_needs_confirmation_and_removes_the_meeting():
    ids = _populate()
    target = ids["Budget sync"]
    at = open_page(PAGE, query={"meeting": target})
    assert at.button(key="delete_meeting").disabled
    at.checkbox(key=f"confirm_delete_{target}").check().run()
    at.button(key="delete_meeting").click().run()
    assert_clean(at)
    assert core.get_meeting(target) is None
    assert "Meeting deleted." in texts(at)
    assert "Budget sync" not in set(at.dataframe[0].value["Title"])


def test_titles_and_dates_from_users_are_shown_as_text_not_markup():
    hostile = "[click me](http://evil.example) <b>bold</b> :red[alarm] $x$"
    batch = submit_and_wait([{**meeting(hostile), "meeting_date": "2026-03-05"}])
    meeting_id = batch["results"][0]["meeting_id"]
    at = open_page(PAGE, query={"meeting": meeting_id})
    assert_clean(at)
    header = at.header[0].value
    assert "](" not in header and ":red[" not in header and "<b>" not in header
    assert header.replace("\\", "") == hostile.replace("\\", "")
    assert any("Date 2026" in c.value and "03" in c.value for c in at.caption)
    # Markup in a date never gets that far: only ISO dates are accepted.
    with pytest.raises(core.BatchError, match="ISO date"):
        core.submit([{**meeting("Dated"), "meeting_date": "**2026**"}])
    # The picker and the table are plain text widgets: the raw title is shown as typed.
    assert hostile in at.dataframe[0].value["Title"].tolist()
