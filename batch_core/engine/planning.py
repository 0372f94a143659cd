"""The plan of a new batch: each meeting's starting row, queued or skipped with the reason
(too short, too long, a duplicate by title or by content, and tier, under the batch's duplicate
policy)."""
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
               shown: Callable[[MeetingIn], tuple[str, str | None]],
               content: Callable[[MeetingIn], str] = lambda m: "",
               stored_content_ids: Callable[[MeetingIn], list[str]] = lambda m: []) -> Plan:
    """Decide each meeting's starting row: queued, or skipped with the reason.

    A duplicate has the same tier and either the same title or the same content (`content`
    gives its digest: what was said, with case, spacing and timestamps folded). `shown` gives the
    title and file name a row may store (redacted for the sensitive tier); `digest` the title
    digest duplicate detection keeps."""
    reasons: dict[int, str] = {}
    for index, meeting in enumerate(meetings):
        problem = size_problem(meeting)
        if problem:
            reasons[index] = problem
    contents = {index: content(m) for index, m in enumerate(meetings)}

    def keys(index: int) -> list[tuple[str, str, str]]:
        tier = meetings[index].tier.value
        found = [("title", tier, normalise(meetings[index].title))]
        if contents[index]:
            found.append(("content", tier, contents[index]))
        return found

    candidates = [i for i in range(len(meetings)) if i not in reasons]
    if policy is DuplicatePolicy.SKIP:
        reasons.update(_skip_duplicates(candidates, keys, meeting_id_for,
                                        lambda i: _stored_duplicate(meetings[i], stored_ids, stored_content_ids)))
    elif policy is DuplicatePolicy.REPLACE:
        reasons.update(_replaced_in_batch(candidates, keys, meeting_id_for))

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
            plan.items[index] = QueuedInput(meeting=meeting, title_digest=digest(meeting),
                                            content_digest=contents[index])
    return plan


Keys = Callable[[int], list[tuple[str, str, str]]]


def _seen_before(index: int, keys: Keys, seen: dict[tuple[str, str, str], int]) -> tuple[int, str] | None:
    """(the meeting it copies, "title" or "content") when one of its keys was seen; otherwise
    its keys are remembered for the meetings that follow."""
    mine = keys(index)
    for kind_key in mine:
        if kind_key in seen:
            return seen[kind_key], kind_key[0]
    for kind_key in mine:
        seen[kind_key] = index
    return None


def _skip_duplicates(candidates: list[int], keys: Keys, meeting_id_for: Callable[[int], str],
                     stored: Callable[[int], str | None]) -> dict[int, str]:
    """Skip policy: a meeting like a stored one, or like an earlier one of the batch, is skipped."""
    reasons: dict[int, str] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for index in candidates:
        like_stored = stored(index)
        if like_stored:
            reasons[index] = like_stored
        elif (match := _seen_before(index, keys, seen)) is not None:
            earlier, same = match
            reasons[index] = (f"Duplicate of meeting {earlier + 1} in this batch "
                              f"({meeting_id_for(earlier)}, same {same} and tier).")
    return reasons


def _replaced_in_batch(candidates: list[int], keys: Keys, meeting_id_for: Callable[[int], str]) -> dict[int, str]:
    """Replace policy: the last occurrence wins; processing earlier copies would only be thrown away."""
    reasons: dict[int, str] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for index in reversed(candidates):
        if (match := _seen_before(index, keys, seen)) is not None:
            later, same = match
            reasons[index] = (f"Replaced by meeting {later + 1} in this batch "
                              f"({meeting_id_for(later)}, same {same} and tier).")
    return reasons


def _stored_duplicate(meeting: MeetingIn, stored_ids: Callable[[MeetingIn], list[str]],
                      stored_content_ids: Callable[[MeetingIn], list[str]]) -> str | None:
    hint = "to process it anyway, choose 'Allow duplicates' (on_duplicate=allow_duplicates) or 'Replace'."
    existing = stored_ids(meeting)
    if existing:
        return f"Same title and tier as the stored meeting {existing[-1]}; {hint}"
    same_content = stored_content_ids(meeting)
    if same_content:
        return f"Same content as the stored meeting {same_content[-1]} (another file name or format); {hint}"
    return None
