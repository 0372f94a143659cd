"""Merge the insights of a long meeting's parts into one set (the reduce step of pipeline/extract.py).

The parts overlap by a few turns and a meeting returns to its subjects, so the same action item,
decision, topic or question can come back from two parts in different words. Two items are the
same when their content words mostly agree (Jaccard >= SAME_ITEM, or one contains the other);
the fuller one is kept (owner, deadline, priority filled) and the lists of people are joined.
The summary is not merged here: a final provider call writes it from the parts' summaries.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence, TypeVar

from batch_core.models import ActionItem, Decision, Insights, KeyTopic, OpenQuestion

SAME_ITEM = 0.6
MAX_TOPICS = 12
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_LIGHT = frozenset("a an the to of and or for on in at by with we i you it is be will should".split())

T = TypeVar("T")


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.casefold()) if w not in _LIGHT)


def same_text(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return a.strip().casefold() == b.strip().casefold()
    if wa <= wb or wb <= wa:
        return True
    return len(wa & wb) / len(wa | wb) >= SAME_ITEM


def _join(*lists: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for values in lists:
        for value in values:
            seen.setdefault(value.casefold(), value)
    return list(seen.values())


def _dedupe(items: list[T], text: Callable[[T], str], combine: Callable[[T, T], T]) -> list[T]:
    kept: list[T] = []
    for item in items:
        for position, existing in enumerate(kept):
            if same_text(text(existing), text(item)):
                kept[position] = combine(existing, item)
                break
        else:
            kept.append(item)
    return kept


def _fullness(item: ActionItem) -> int:
    return sum(value is not None for value in (item.owner, item.deadline, item.priority))


def _action(a: ActionItem, b: ActionItem) -> ActionItem:
    best, other = (a, b) if _fullness(a) >= _fullness(b) else (b, a)
    return best.model_copy(update={"owner": best.owner or other.owner, "deadline": best.deadline or other.deadline,
                                   "priority": best.priority or other.priority})


def _decision(a: Decision, b: Decision) -> Decision:
    best = a if a.confidence >= b.confidence else b
    return best.model_copy(update={"deciders": _join(a.deciders, b.deciders)})


def _topic(a: KeyTopic, b: KeyTopic) -> KeyTopic:
    best = a if a.importance >= b.importance else b
    return best.model_copy(update={"related_speakers": _join(a.related_speakers, b.related_speakers)})


def _question(a: OpenQuestion, b: OpenQuestion) -> OpenQuestion:
    best = a if len(a.context) >= len(b.context) else b
    return best.model_copy(update={"stakeholders": _join(a.stakeholders, b.stakeholders)})


def merge_insights(parts: Sequence[Insights], summary: str) -> Insights:
    """One Insights from the parts' (in meeting order), with the given summary."""
    if len(parts) == 1:
        return parts[0].model_copy(update={"summary": summary})
    topics = _dedupe([t for p in parts for t in p.key_topics], lambda t: t.name, _topic)
    topics.sort(key=lambda t: t.importance, reverse=True)
    return Insights(
        summary=summary,
        decisions=_dedupe([d for p in parts for d in p.decisions], lambda d: d.decision, _decision),
        action_items=_dedupe([a for p in parts for a in p.action_items], lambda a: a.task, _action),
        key_topics=topics[:MAX_TOPICS],
        open_questions=_dedupe([q for p in parts for q in p.open_questions], lambda q: q.question, _question),
    )
