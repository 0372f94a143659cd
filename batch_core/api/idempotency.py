"""Idempotency-Key for the submit endpoints: the same key within the TTL returns the same batch.

A key is reserved atomically (SET NX) before submitting, so two concurrent retries cannot both
create a batch; the loser gets 409 until the first finishes. The stored answer remembers a
fingerprint of the request, so reusing a key for a different request is refused (422) instead
of silently answering with an unrelated batch.

Redis I/O is store.idempotency_* (requested in docs/architecture.md).
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable

from fastapi import HTTPException

from batch_core import store
from batch_core.config import settings
from batch_core.store.sealing import keyed_digest

# A reservation outlives a crashed request only this long, not the full 24 h.
PENDING_TTL_SECONDS = 300
KEY_MAX_LENGTH = 255


def fingerprint(*parts: object) -> str:
    """Keyed (HMAC): the request may hold a sensitive meeting's raw title and text, and a plain
    hash stored for 24 h would let anyone holding a guess confirm it."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, default=str).encode())
        digest.update(b"\x00")
    return keyed_digest(digest.hexdigest())


def validate_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not key or len(key) > KEY_MAX_LENGTH or not key.isprintable() or not key.isascii():
        raise HTTPException(
            422, f"Idempotency-Key must be 1 to {KEY_MAX_LENGTH} printable ASCII characters."
        )
    return key


def run_once(key: str | None, request_fingerprint: str,
             submit: Callable[[], dict]) -> tuple[dict, bool]:
    """(answer, replayed): `submit()`'s answer, or the stored one for a key already used."""
    key = validate_key(key)
    if key is None:
        return submit(), False
    stored = store.idempotency_reserve(key, PENDING_TTL_SECONDS)
    if stored is None:
        try:
            answer = submit()
        except BaseException:
            store.idempotency_release(key)  # a rejected request may be corrected and sent again
            raise
        record = {"fingerprint": request_fingerprint, "answer": answer}
        store.idempotency_save(key, json.dumps(record), settings().api_idempotency_ttl_seconds)
        return answer, False
    if stored == "":
        raise HTTPException(
            409, "A request with this Idempotency-Key is still being processed; retry shortly."
        )
    record = json.loads(stored)
    if record.get("fingerprint") != request_fingerprint:
        raise HTTPException(
            422, "This Idempotency-Key was already used for a different request; use a new key."
        )
    return record["answer"], True
