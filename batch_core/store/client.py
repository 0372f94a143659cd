"""The one shared Redis client of a process: REDIS_URL, or the embedded server (embedded.py).

Clients fail fast (no hidden retries, short timeouts) so a dead Redis is reported in plain
words within seconds; store.retry rides out outages where the engine wants that.
"""
from __future__ import annotations

import threading

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from batch_core.config import settings
from batch_core.errors import StorageUnavailable
from batch_core.store.embedded import describe_url, ensure_server, server_dir, stop_server

_client_lock = threading.Lock()
_client: redis.Redis | None = None
_client_url: str | None = None


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
    """'ok' or the reason Redis cannot be used."""
    try:
        get_client().ping()
        return "ok"
    except StorageUnavailable as exc:
        return str(exc)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        return str(unavailable(exc))
    except redis.RedisError as exc:
        return f"Redis error: {exc}"
