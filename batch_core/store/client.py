"""The one shared Redis client of a process: REDIS_URL, or the embedded server (embedded.py).

Clients fail fast (no hidden retries, short timeouts) so a dead Redis is reported in plain
words within seconds; store.retry rides out outages where the engine wants that.

The embedded server heals itself: when a call finds it dead, heal() starts it again in the same
data dir (the AOF is replayed: nothing written a second or more before the crash is lost) and
points the shared client at the new server. Any process can do it, the start lock makes it one;
attempts back off (0.5 s doubling to 10 s) so a server that cannot start is not hammered.
"""
from __future__ import annotations

import logging
import threading
import time

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from batch_core.config import settings
from batch_core.errors import StorageUnavailable
from batch_core.store.embedded import describe_url, ensure_server, server_alive, server_dir, stop_server

log = logging.getLogger("batch_core.store")

_client_lock = threading.Lock()
_client: redis.Redis | None = None
_client_url: str | None = None
_heal_lock = threading.Lock()
_next_heal = 0.0
_heal_pause = 0.0
HEAL_FIRST_PAUSE, HEAL_MAX_PAUSE = 0.5, 10.0


def get_client() -> redis.Redis:
    """One shared, thread-safe client that fails within seconds instead of retrying quietly."""
    global _client, _client_url
    with _client_lock:
        if _client is not None:
            return _client
        try:
            url = ensure_server()
        except OSError as exc:
            raise StorageUnavailable(f"Could not prepare the embedded Redis: {exc}") from exc
        timeout = settings().redis_connect_timeout
        _client = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=timeout,
            socket_timeout=max(timeout, 5.0),
            retry=Retry(NoBackoff(), 0),
            health_check_interval=30,
        )
        _client_url = url
        return _client


def heal() -> bool:
    """Embedded Redis only: restart a dead server and re-point the client. True when it was
    dead and runs again (the caller may try once more); False for REDIS_URL (not ours to
    start), for a server that is alive (the error was something else), or while backing off."""
    global _next_heal, _heal_pause
    if settings().redis_url:
        return False
    with _heal_lock:
        now = time.monotonic()
        if now < _next_heal or (_client_url is not None and server_alive(_client_url)):
            return False
        try:
            url = ensure_server()
        except (StorageUnavailable, OSError):
            _heal_pause = min(max(_heal_pause * 2, HEAL_FIRST_PAUSE), HEAL_MAX_PAUSE)
            _next_heal = now + _heal_pause
            return False
        _heal_pause, _next_heal = 0.0, 0.0
        reset_client()  # the old connections point at the dead server (and maybe its old port)
        log.warning("The embedded Redis had stopped; it runs again at %s with its data replayed "
                    "from the AOF.", describe_url(url))
        return True


def current_url() -> str | None:
    return _client_url


def reset_client() -> None:
    """Forget the shared client (after settings change, in tests, or before stopping Redis)."""
    global _client, _client_url
    with _client_lock:
        if _client is not None:
            _client.close()
        _client, _client_url = None, None


def compact_aof() -> bool:
    """Rewrite the embedded server's AOF from memory, so deleted writes leave the disk (run after
    sensitive batches end). A REDIS_URL server is the user's to manage: left alone."""
    if settings().redis_url:
        return False
    try:
        get_client().bgrewriteaof()
        return True
    except redis.ResponseError as exc:  # one is already running: it sees today's data too
        return "already in progress" in str(exc)


def stop() -> str:
    """Drop this process's client, then shut the embedded server down (see embedded.stop_server)."""
    reset_client()
    return stop_server()


def unavailable(exc: BaseException) -> StorageUnavailable:
    """A friendly StorageUnavailable for a redis-py connection/timeout error."""
    where = describe_url(_client_url or settings().redis_url or str(server_dir()))
    reason = str(exc) or exc.__class__.__name__
    return StorageUnavailable(f"Redis is not reachable at {where}: {reason}")


def ping() -> str:
    """'ok' or the reason Redis cannot be used (restarting a dead embedded server first)."""
    try:
        try:
            get_client().ping()
        except (redis.ConnectionError, redis.TimeoutError):
            if not heal():
                raise
            get_client().ping()
        return "ok"
    except StorageUnavailable as exc:
        return str(exc)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        return str(unavailable(exc))
    except redis.RedisError as exc:
        return f"Redis error: {exc}"
