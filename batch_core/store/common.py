"""Helpers shared by the store modules: timestamps, friendly storage errors, Lua scripts."""
from __future__ import annotations

import functools
import re
from datetime import datetime, timezone
from typing import Any, Callable, TypeVar

import redis
from redis.commands.core import Script

from batch_core.store.client import heal, unavailable
from batch_core.store import scripts
from batch_core.store.keys import meetings_key, meetings_version_key

F = TypeVar("F", bound=Callable[..., Any])

MARK_START, MARK_END = "\x02", "\x03"  # search snippet highlights; callers turn them into their own markup
_WORD = re.compile(r"\w+", re.UNICODE)


def query_words(text: str) -> list[str]:
    """The words of a search, as both search backends split them."""
    return _WORD.findall(text)


def marked_snippet(texts: list[str], words: list[str], around: int = 7) -> str:
    """About 2 x `around` words of the first text where a search word occurs (the last word as a
    prefix), with MARK_START / MARK_END around each word found; '…' where the text was cut."""
    if not words:
        return ""
    alternatives = [re.escape(w) + r"(?!\w)" for w in words[:-1]] + [re.escape(words[-1]) + r"\w*"]
    found = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)
    for text in texts:
        tokens = text.split()
        hit = next((n for n, token in enumerate(tokens) if found.search(token)), None)
        if hit is None:
            continue
        start, end = max(0, hit - around), min(len(tokens), hit + around + 1)
        window = " ".join(tokens[start:end])
        window = found.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", window)
        return ("…" if start else "") + window + ("…" if end < len(tokens) else "")
    first = next((t for t in texts if t.strip()), "").split()
    return " ".join(first[:2 * around]) + ("…" if len(first) > 2 * around else "")


def tier_state(client: Any, tier: str) -> tuple[str, int]:
    """What a search index compares to know whether a tier's stored meetings changed: the change
    counter, the count and the newest meeting together (a counter alone could come back to the
    same value after the data was flushed or restored), and the count alone."""
    pipe = client.pipeline(transaction=False)
    pipe.get(meetings_version_key(tier))
    pipe.zcard(meetings_key(tier))
    pipe.zrevrange(meetings_key(tier), 0, 0, withscores=True)
    state = pipe.execute()
    return repr(state), int(state[1])


def insights_text(insights: dict[str, Any]) -> str:
    """What search reads of a meeting's insights."""
    parts = [insights.get("summary") or ""]
    parts += [f"{d.get('topic', '')} {d.get('decision', '')}" for d in insights.get("decisions") or []]
    parts += [f"{a.get('task', '')} {a.get('owner') or ''}" for a in insights.get("action_items") or []]
    parts += [t.get("name", "") for t in insights.get("key_topics") or []]
    parts += [q.get("question", "") for q in insights.get("open_questions") or []]
    return "\n".join(p for p in parts if p)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def storage(func: F) -> F:
    """Turn redis-py connection failures into a friendly StorageUnavailable; a dead embedded
    server is restarted first and the call made once more (client.heal)."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except redis.TimeoutError as exc:  # slow, not gone: a retry could apply a write twice
            raise unavailable(exc) from exc
        except redis.ConnectionError as exc:
            failure: BaseException = exc
        if heal():
            try:
                return func(*args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                failure = exc
        raise unavailable(failure) from failure
    return wrapper  # type: ignore[return-value]


_scripts: dict[str, Script] = {}


def script(name: str) -> Script:
    """A Lua script of scripts.py, runnable on any client (pass client=...)."""
    if name not in _scripts:
        # bytes: the SHA is computed without a client, any client can run it later
        _scripts[name] = Script(None, getattr(scripts, name).encode("utf-8"))  # type: ignore[arg-type]
    return _scripts[name]
