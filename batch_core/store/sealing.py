"""Encryption at rest for the raw input of sensitive meetings, and keyed digests of their titles.

A sensitive meeting's transcript, title and file name are raw personal data until its redaction
step has run. Until then they are stored only sealed (Fernet: AES-128-CBC + HMAC-SHA256, from the
`cryptography` package), so neither Redis, its AOF nor an RQ payload ever holds them in clear;
after redaction the sealed input is replaced by the redacted text.

Duplicate detection must compare raw titles without storing them: `keyed_digest` is an HMAC, so
a digest in Redis cannot be reversed by hashing guesses without the key.

The key comes from BATCH_SECRET_KEY (a Fernet key; set it on every host of an RQ fleet), or from
`<BATCH_DATA_DIR>/secret.key`, created 0600 on first use.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from batch_core.errors import SealError
from batch_core.config import settings

PREFIX = "sealed:v1:"
_lock = threading.Lock()


@dataclass(frozen=True)
class _Keys:
    fernet: Fernet   # seals raw input
    mac: bytes       # keys the title digests (derived from the same secret)


_cache: dict[str, _Keys] = {}  # key source (env or key file path) -> keys


def key_file() -> Path:
    return settings().data_dir / "secret.key"


def _read_or_create_key() -> bytes:
    configured = settings().secret_key
    if configured:
        return configured.encode("ascii")
    path = key_file()
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:  # O_EXCL: two processes racing on first start agree on the winner's key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def _keys() -> _Keys:
    source = settings().secret_key or str(key_file())
    with _lock:
        cached = _cache.get(source)
        if cached is None:
            secret = _read_or_create_key()
            try:
                fernet = Fernet(secret)
            except ValueError as exc:
                raise SealError(f"BATCH_SECRET_KEY or {key_file()} is not a valid key: {exc}. "
                                "Generate one with: python -c \"from cryptography.fernet import "
                                "Fernet; print(Fernet.generate_key().decode())\"") from None
            cached = _Keys(fernet, hmac.new(secret, b"title-digest", hashlib.sha256).digest())
            _cache[source] = cached
        return cached


def seal(text: str) -> str:
    return PREFIX + _keys().fernet.encrypt(text.encode("utf-8")).decode("ascii")


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def unseal(value: str) -> str:
    if not is_sealed(value):
        return value
    try:
        return _keys().fernet.decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SealError("The sealed input of a sensitive meeting cannot be opened with this key "
                        "(was BATCH_SECRET_KEY or the data dir's secret.key changed?).") from None


def keyed_digest(text: str) -> str:
    return hmac.new(_keys().mac, text.encode("utf-8"), hashlib.sha256).hexdigest()


def reset() -> None:
    """Forget cached keys (tests that change BATCH_DATA_DIR or BATCH_SECRET_KEY)."""
    with _lock:
        _cache.clear()
