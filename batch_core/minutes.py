"""Minutes of a meeting as a file to share: Markdown (summary, decisions, action items, open
questions, participants) or JSON, and a zip of a batch's minutes. Pure rendering of a stored
record; who may fetch them, and the audit, are library.py's business.

Text from the transcript and the model is escaped for Markdown, so a title like
`[click](http://x)` or a `|` in an action item cannot turn into a link or break a table.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

# Enough to stop links, emphasis, inline HTML and table breaks; dates and ids stay readable.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _md(text: Any) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def _facts(record: dict[str, Any]) -> list[str]:
    facts = [f"- Date: {_md(record.get('meeting_date') or 'not given')}",
             f"- Tier: {_md(record.get('tier'))}" + (" (names and identifiers redacted)" if record.get("redacted") else ""),
             f"- Processed: {_md(record.get('processed_at'))} by {_md(record.get('provider'))}/{_md(record.get('model'))}",
             f"- Meeting id: `{record.get('meeting_id')}`"]
    if record.get("source_name"):
        facts.append(f"- File: {_md(record['source_name'])}")
    return facts


def minutes_markdown(record: dict[str, Any]) -> str:
    insights = record.get("insights") or {}
    lines = [f"# {_md(record.get('title'))}", "", *_facts(record), "", "## Participants", ""]
    lines += [f"- {_md(s)}" for s in record.get("speakers") or []] or ["- none named"]
    lines += ["", "## Summary", "", _md(insights.get("summary")) or "No summary.", "", "## Decisions", ""]
    lines += [f"- **{_md(d.get('topic'))}**: {_md(d.get('decision'))}"
              + (f" ({_md(', '.join(d.get('deciders') or []))})" if d.get("deciders") else "")
              for d in insights.get("decisions") or []] or ["- none recorded"]
    lines += ["", "## Action items", ""]
    items = insights.get("action_items") or []
    if items:
        lines += ["| Task | Owner | Deadline | Priority |", "|---|---|---|---|"]
        lines += [f"| {_md(a.get('task'))} | {_md(a.get('owner') or '—')} | {_md(a.get('deadline') or '—')} | "
                  f"{_md(a.get('priority') or '—')} |" for a in items]
    else:
        lines.append("- none recorded")
    lines += ["", "## Open questions", ""]
    lines += [f"- {_md(q.get('question'))}" for q in insights.get("open_questions") or []] or ["- none recorded"]
    return "\n".join(lines) + "\n"


def minutes_json(record: dict[str, Any]) -> str:
    insights = record.get("insights") or {}
    keep = ("meeting_id", "batch_id", "title", "tier", "meeting_date", "source_name", "processed_at",
            "provider", "model", "speakers", "redacted", "language")
    return json.dumps({**{k: record.get(k) for k in keep}, "insights": insights,
                       "sentiment": record.get("sentiment")}, ensure_ascii=False, indent=2)


def _file_stem(record: dict[str, Any]) -> str:
    title = re.sub(r"[^\w\- ]+", "", str(record.get("title") or "meeting"), flags=re.UNICODE).strip()[:60]
    return f"{title or 'meeting'} ({record.get('meeting_id')})"


def minutes_zip(records: list[dict[str, Any]]) -> bytes:
    """One Markdown and one JSON file per meeting."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            stem = _file_stem(record)
            archive.writestr(f"{stem}.md", minutes_markdown(record))
            archive.writestr(f"{stem}.json", minutes_json(record))
    return buffer.getvalue()
