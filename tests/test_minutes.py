"""Minutes to export: Markdown and JSON per meeting, a zip per batch, over the public API and
HTTP, with roles and the audit; hostile text cannot become links or break the table."""
from __future__ import annotations

import io
import json
import re
import zipfile

import batch_core as core
from batch_core import Principal, Role
from batch_core.minutes import minutes_markdown
from tests.ui.ui_support import meeting, sensitive_transcript, submit_and_wait

VIEWER = Principal("vera-viewer", frozenset(), via="test")


def test_markdown_minutes_have_every_section_and_escape_hostile_text():
    record = {"meeting_id": "meeting_0123456789ab", "title": "[click](http://evil.example) <b>x</b>",
              "tier": "ordinary", "speakers": ["Alice", "Bob"], "processed_at": "2026-12-01T10:00:00Z",
              "provider": "local", "model": "local-rules-v1", "meeting_date": "2026-11-30",
              "insights": {"summary": "We agreed to ship.",
                           "decisions": [{"topic": "Launch", "decision": "Ship in March", "deciders": ["Alice"],
                                          "confidence": 0.9}],
                           "action_items": [{"task": "Write notes | then *send*", "owner": "Bob",
                                             "deadline": "Friday", "priority": "high"}],
                           "open_questions": [{"question": "Who trains support?"}]}}
    text = minutes_markdown(record)
    for heading in ("## Participants", "## Summary", "## Decisions", "## Action items", "## Open questions"):
        assert heading in text
    assert not re.search(r"(?<!\\)\]\(", text) and "<b>" not in text  # escaped: shown, never a link
    row = next(line for line in text.splitlines() if line.startswith("| Write"))
    assert row.count(" | ") == 3  # the task's own `|` is escaped, the table keeps four columns
    assert "- **Launch**: Ship in March (Alice)" in text and "2026-11-30" in text


def test_minutes_of_a_meeting_and_a_batch_zip():
    batch = submit_and_wait([meeting("Roadmap sync"), meeting("Budget review")])
    ids = [r["meeting_id"] for r in batch["results"]]
    markdown = core.meeting_minutes(ids[0])
    assert markdown.startswith("# Roadmap sync")
    as_json = json.loads(core.meeting_minutes(ids[0], "json"))
    assert as_json["meeting_id"] == ids[0] and "summary" in as_json["insights"]
    with zipfile.ZipFile(io.BytesIO(core.batch_minutes_zip(batch["batch_id"]))) as archive:
        names = sorted(archive.namelist())
    assert len(names) == 4 and all(ids[0] in n or ids[1] in n for n in names)


def test_sensitive_minutes_are_absent_without_the_role_and_audited_with_it():
    batch = submit_and_wait([meeting("HR case", "sensitive", sensitive_transcript())])
    meeting_id = batch["results"][0]["meeting_id"]
    assert core.meeting_minutes(meeting_id, principal=VIEWER) is None
    assert core.batch_minutes_zip(batch["batch_id"], principal=VIEWER) is None
    cleared = Principal("siri-sensitive", frozenset({Role.SENSITIVE}), via="test")
    text = core.meeting_minutes(meeting_id, principal=cleared)
    assert "kari.nordmann@example.com" not in text  # the planted e-mail was redacted
    entries = [e for e in core.audit_log() if e["meeting_id"] == meeting_id]
    assert [(e["action"], e["who"]) for e in entries] == [("download", "siri-sensitive")]
