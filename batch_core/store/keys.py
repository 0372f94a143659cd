"""Every Redis key name of the app (layout: docs/architecture.md)."""
from __future__ import annotations

import hashlib
import re

from batch_core.store.sealing import keyed_digest

def batch_key(batch_id: str) -> str:
    return f"batch:{batch_id}"


def results_key(batch_id: str) -> str:
    return f"batch:{batch_id}:results"


def items_key(batch_id: str) -> str:
    return f"batch:{batch_id}:items"


def board_key(tier: str) -> str:
    """hash: meeting_id -> the meeting's action items and decisions (store/board.py)."""
    return f"board:{tier}"


def board_state_key(tier: str) -> str:
    """hash: "<meeting_id>:<n>" -> who marked action item n done, and when."""
    return f"board:{tier}:done"


def summaries_key(tier: str) -> str:
    """hash: meeting_id -> the meeting's listing summary (store/meetings.record_summary)."""
    return f"meetings:{tier}:summaries"


def meetings_version_key(tier: str) -> str:
    """string: a counter bumped by every store or delete of a meeting of the tier (the search
    index skips its sync while it is unchanged)."""
    return f"meetings:{tier}:version"


def speaker_names_key(tier: str) -> str:
    """hash: meeting_id -> the user's speaker names (JSON; sealed for the sensitive tier)."""
    return f"speakers:{tier}"


SEARCH_INDEX = "meetings-search-v1"  # FT.CREATE'd over every key under SEARCH_PREFIX
SEARCH_PREFIX = "search:"


def search_key(tier: str, meeting_id: str) -> str:
    """hash: a stored meeting's text and filter fields for FT.SEARCH (store/search_redis.py); only
    written where the server has the Query Engine."""
    return f"{SEARCH_PREFIX}{tier}:{meeting_id}"


def economy_key(batch_id: str) -> str:
    """hash: an economy batch's ledger (store/economy.py): ids and counts, never text."""
    return f"batch:{batch_id}:economy"


BATCHES_KEY = "batches"
ACTIVE_BATCHES_KEY = "batches:active"  # zset: batch ids still processing (kept by the Lua scripts)
AUDIT_KEY = "audit:access"  # stream: the access audit of sensitive meetings (store/audit.py)


def meeting_key(tier: str, meeting_id: str) -> str:
    return f"meeting:{tier}:{meeting_id}"


def meetings_key(tier: str) -> str:
    return f"meetings:{tier}"


def normalise_title(title: str) -> str:
    return " ".join(title.casefold().split())


def title_digest(tier: str, title: str) -> str:
    """Digest of the normalised title; keyed (HMAC) for the sensitive tier, whose raw titles are
    never stored, so the digest cannot be matched against guessed titles without the key."""
    normalised = normalise_title(title)
    if tier == "sensitive":
        return keyed_digest(normalised)
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()


# Timestamps (`[00:01:02]`, `00:01:02.500 --> ...`), cue numbers and WEBVTT headers differ between
# exports of the same meeting; what was said does not. The lookahead names every character a
# match can start with, so the alternatives are tried only there (2x faster on 56 KB); the text
# is casefolded first, so no IGNORECASE. Stored digests depend on this: the matches are the same.
_TIMESTAMP = re.compile(r"(?=[\[\d\-\sw])(?:\[?\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\b\]?|-->|^\s*\d+\s*$|^webvtt.*$)",
                        re.MULTILINE)


def normalise_content(transcript: str) -> str:
    return " ".join(_TIMESTAMP.sub(" ", transcript.casefold()).split())


def content_digest(tier: str, transcript: str) -> str:
    """Digest of what was said (case, whitespace and timestamps folded), to find the same meeting
    uploaded under another name or format; keyed (HMAC) for the sensitive tier, like titles."""
    normalised = normalise_content(transcript)
    if tier == "sensitive":
        return keyed_digest("content:" + normalised)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def content_key(tier: str, digest: str) -> str:
    return f"meetings:{tier}:content:{digest}"


def title_key(tier: str, digest: str) -> str:
    return f"meetings:{tier}:title:{digest}"


def meeting_tier_key(meeting_id: str) -> str:
    return f"meeting_tier:{meeting_id}"


def field(index: int) -> str:
    return f"{index:04d}"


def idempotency_key(key: str) -> str:
    return f"idempotency:{hashlib.sha256(key.encode('utf-8')).hexdigest()}"


# Fleet (BATCH_EXECUTOR=rq, LLM_MAX_CONCURRENCY, LLM_RPM). RQ keeps its own keys under "rq:".
RQ_QUEUE_NAME = "batch-meetings"   # the RQ queue of meeting jobs (RQ key rq:queue:batch-meetings)
LLM_SLOTS_KEY = "fleet:llm:slots"  # zset: provider-call slot holder -> expiry (ms, Redis clock)
LLM_RPM_KEY = "fleet:llm:rpm_tat"  # string: the LLM_RPM budget's next free send time (ms)
