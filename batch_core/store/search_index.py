"""Which search backend answers: FT.SEARCH where the Redis server has the Query Engine
(search_redis.py), else SQLite FTS5 in the data dir (search_sqlite.py). BATCH_SEARCH_BACKEND
(auto, redis, sqlite) can fix the choice; both return the same shape of hits."""
from __future__ import annotations

from typing import Any

from batch_core.config import settings
from batch_core.errors import StorageUnavailable
from batch_core.store.common import MARK_END, MARK_START, storage
from batch_core.store.search_redis import has_query_engine, search_redis
from batch_core.store.search_sqlite import search_sqlite

__all__ = ["search_records", "search_backend", "MARK_START", "MARK_END"]

BACKENDS = ("auto", "redis", "sqlite")


@storage
def search_backend() -> str:
    """"redis" (FT.SEARCH) or "sqlite" (FTS5), as configured and as the server allows."""
    wanted = settings().search_backend
    if wanted not in BACKENDS:
        raise StorageUnavailable(f"BATCH_SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {wanted!r}.")
    if wanted == "sqlite":
        return "sqlite"
    if has_query_engine():
        return "redis"
    if wanted == "redis":
        raise StorageUnavailable("BATCH_SEARCH_BACKEND=redis, but this Redis server has no Query Engine "
                                 "(FT.SEARCH): use Redis 8 or Redis Stack, or set BATCH_SEARCH_BACKEND=auto.")
    return "sqlite"


def search_records(text: str, tiers: list[str], **filters: Any) -> list[dict[str, Any]]:
    """Best matches first: meeting_id, tier, day, batch_id, provider, language, title, score,
    snippet (MARK_START / MARK_END around the matched words)."""
    search = search_redis if search_backend() == "redis" else search_sqlite
    return search(text, tiers, **filters)
