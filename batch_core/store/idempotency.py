"""Idempotency-Key reservations for the HTTP API (same key within the TTL -> same batch)."""
from __future__ import annotations

from batch_core.store.client import get_client
from batch_core.store.common import storage
from batch_core.store.keys import idempotency_key


@storage
def idempotency_reserve(key: str, ttl_seconds: int) -> str | None:
    """None if this call reserved the key; else the stored value ("" = still in flight)."""
    client = get_client()
    if client.set(idempotency_key(key), "", nx=True, ex=ttl_seconds):
        return None
    value = client.get(idempotency_key(key))
    return value if value is not None else ""


@storage
def idempotency_save(key: str, value: str, ttl_seconds: int) -> None:
    get_client().set(idempotency_key(key), value, ex=ttl_seconds)


@storage
def idempotency_release(key: str) -> None:
    get_client().delete(idempotency_key(key))
