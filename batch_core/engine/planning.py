"""The plan of a new batch: each meeting's starting row, queued or skipped with the reason
(too short, too long, a duplicate by title and tier under the batch's duplicate policy)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from batch_core.models import DuplicatePolicy, MeetingIn, MeetingRow, MeetingState, QueuedInput
from batch_core.validation import size_problem


@dataclass
class Plan:
    rows: list[MeetingRow]
    items: dict[int, QueuedInput] = field(default_factory=dict)  # queued meetings only


def plan_batch(meetings: list[MeetingIn], policy: DuplicatePolicy,
               meeting_id_for: Callable[[int], str],
               stored_ids: Callable[[MeetingIn], list[str]],
               normalise: Callable[[str], str],
               digest: Callable[[MeetingIn], str],
               shown: Callable[[MeetingIn], tuple[str, str | None]]) -> Plan:
    """Decide each meeting's starting row: queued, or skipped with the reason.

    `shown` gives the title and file name a row may store (redacted for the sensitive tier);
    `digest` the title digest duplicate detection keeps."""
    reasons: dict[int, str] = {}
    for index, meeting in enumerate(meetings):
        problem = size_problem(meeting)
        if problem:
            reasons[index] = problem

    def key(index: int) -> tuple[str, str]:
        return meetings[index].tier.value, normalise(meetings[index].title)

    candidates = [i for i in range(len(meetings)) if i not in reasons]
    if policy is DuplicatePolicy.SKIP:
        first_seen: dict[tuple[str, str], int] = {}
        for index in candidates:
            existing = stored_ids(meetings[index])
            if existing:
                reasons[index] = (f"Duplicate of stored meeting {existing[-1]} (same title and tier); "
                                  "submit with on_duplicate=replace or allow_duplicates to process it.")
            elif key(index) in first_seen:
                earlier = first_seen[key(index)]
                reasons[index] = (f"Duplicate of meeting {earlier + 1} in this batch "
                                  f"({meeting_id_for(earlier)}, same title and tier).")
            else:
                first_seen[key(index)] = index
    elif policy is DuplicatePolicy.REPLACE:
        # The last occurrence wins; processing earlier copies would only be thrown away.
        last_seen: dict[tuple[str, str], int] = {}
        for index in reversed(candidates):
            if key(index) in last_seen:
                later = last_seen[key(index)]
                reasons[index] = (f"Replaced by meeting {later + 1} in this batch "
                                  f"({meeting_id_for(later)}, same title and tier).")
            else:
                last_seen[key(index)] = index

    plan = Plan(rows=[])
    for index, meeting in enumerate(meetings):
        reason = reasons.get(index)
        title, source_name = shown(meeting)
        plan.rows.append(MeetingRow(
            index=index, title=title, tier=meeting.tier,
            status=MeetingState.SKIPPED if reason else MeetingState.QUEUED,
            error=reason, source_name=source_name,
        ))
        if reason is None:
            plan.items[index] = QueuedInput(meeting=meeting, title_digest=digest(meeting))
    return plan
