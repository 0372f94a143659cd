"""Search stored meetings (re-exported by batch_core/__init__.py): full text over titles,
transcripts and insights, ranked, with highlighted snippets and filters; store/search_index.py
keeps the index. A principal finds only meetings of tiers it may read; a search that finds
sensitive meetings is audited (how many, never the words searched for)."""
from __future__ import annotations

import re
from typing import Any

from batch_core import store
from batch_core.access import Principal, acting, audit
from batch_core.errors import BatchError
from batch_core.library import tiers_for
from batch_core.models import Tier

MAX_QUERY_CHARS = 200
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def search_meetings(text: str, tier: str | Tier | None = None, date_from: str | None = None,
                    date_to: str | None = None, speaker: str | None = None, batch_id: str | None = None,
                    provider: str | None = None, language: str | None = None, limit: int = 50,
                    principal: Principal | None = None) -> list[dict[str, Any]]:
    """Best first: meeting_id, title, tier, day, batch_id, provider, language, score, snippet and
    highlights ([start, end) offsets of the matched words in the snippet). Every word must occur;
    the last one may be the start of a word. `ranked_among_newest` is set (to N) when the SQLite
    backend ranked only the newest N meetings of a search that matched more than N."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise BatchError(f"the search is {len(text)} characters long; at most {MAX_QUERY_CHARS} are allowed.")
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value and not _DAY.fullmatch(value):
            raise BatchError(f"{name} must be a date as YYYY-MM-DD, not {value!r}.")
    who = acting(principal)
    hits = store.search_records(text, [t.value for t in tiers_for(tier, who)], date_from=date_from, date_to=date_to,
                                speaker=speaker, batch_id=batch_id, provider=provider, language=language,
                                limit=limit)
    for hit in hits:
        hit["snippet"], hit["highlights"] = _highlights(hit["snippet"])
    sensitive = sum(hit["tier"] == Tier.SENSITIVE.value for hit in hits)
    if sensitive:
        audit.record(who, "search", detail=f"{sensitive} sensitive meeting(s) found")
    return hits


def _highlights(marked: str) -> tuple[str, list[list[int]]]:
    plain: list[str] = []
    spans: list[list[int]] = []
    length = 0
    for char in marked:
        if char == store.MARK_START:
            spans.append([length, length])
        elif char == store.MARK_END and spans:
            spans[-1][1] = length
        else:
            plain.append(char)
            length += 1
    return "".join(plain), spans
