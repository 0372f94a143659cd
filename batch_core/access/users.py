"""The local users file for demos and small teams: names, Argon2id password hashes and roles.

argon2-cffi (the reference Argon2 implementation's binding) with its RFC 9106 "low memory"
profile: a stolen file costs an attacker 64 MiB and several passes per guess. `python -m
batch_core users add NAME --roles analyst,sensitive` writes an entry; sign-in verifies against it.
"""
from __future__ import annotations

import re
import time
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from batch_core.access.principals import Principal, Role, parse_roles
from batch_core.access.secrets_file import read_table, write_table
from batch_core.config import settings

USER_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the name is unknown, so a wrong name costs as long as a wrong password.
    Made on first sign-in, not at import: hashing takes ~0.15 s, and every CLI command imports this."""
    return _hasher.hash("not a password of anyone")
_HEADER = ("Dashboard users: Argon2id hashes, never passwords.\n"
           "Edit with `python -m batch_core users add|remove|list`.")


def users_path() -> Path:
    return settings().users_path


def configured() -> bool:
    return bool(read_table(users_path(), "users"))


def add_user(name: str, password: str, roles: list[str]) -> Principal:
    if not USER_NAME.match(name):
        raise ValueError("User names are 1-64 letters, digits or . _ @ -.")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"Passwords need at least {MIN_PASSWORD} characters.")
    parsed = parse_roles(roles, where="--roles") or frozenset({Role.VIEWER})
    entries = read_table(users_path(), "users")
    entries[name] = {"password": _hasher.hash(password), "roles": sorted(r.value for r in parsed)}
    write_table(users_path(), "users", entries, _HEADER)
    return Principal(name=name, roles=parsed)


def remove_user(name: str) -> bool:
    entries = read_table(users_path(), "users")
    if entries.pop(name, None) is None:
        return False
    write_table(users_path(), "users", entries, _HEADER)
    return True


def list_users() -> list[Principal]:
    entries = read_table(users_path(), "users")
    return [Principal(name=name, roles=parse_roles(entry.get("roles", []), where=f"user {name}"))
            for name, entry in sorted(entries.items())]


def verify(name: str, password: str, via: str) -> Principal | None:
    """The principal when name and password match; None otherwise (after the same work)."""
    entry = read_table(users_path(), "users").get(name.strip())
    stored = str(entry.get("password", "")) if entry else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        time.sleep(0.2)  # a little extra per miss slows online guessing without locking anyone out
        return None
    if entry is None:
        return None
    roles = parse_roles(entry.get("roles", []), where=f"{users_path()}: user {name}")
    return Principal(name=name.strip(), roles=roles, via=via)
