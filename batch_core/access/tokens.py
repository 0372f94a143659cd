"""API principals: named bearer tokens with roles, stored as SHA-256 hashes.

Tokens are 256-bit random strings, so a plain SHA-256 suffices (there is nothing to brute-force;
a slow hash would only slow every request). Three sources, all checked in constant time:
- `BATCH_API_TOKEN` (env): the single token of earlier versions; it stays admin.
- the tokens file (`<data dir>/api_tokens.toml`, `python -m batch_core tokens add NAME --roles …`).
- with neither configured: a token generated on first start into `<data dir>/api_token` (0600),
  admin, so the API is never open, not even on loopback.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from batch_core.access.principals import Principal, Role, parse_roles
from batch_core.access.secrets_file import read_table, write_table
from batch_core.config import settings

TOKEN_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_HEADER = ("API tokens: SHA-256 hashes of bearer tokens, never the tokens.\n"
           "Edit with `python -m batch_core tokens add|remove|list`.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def generated_token_path() -> Path:
    return settings().data_dir / "api_token"


def ensure_token() -> Path | None:
    """Generate the first-start token when nothing else is configured; returns its path then."""
    if settings().api_token or read_table(settings().api_tokens_path, "tokens"):
        return None
    path = generated_token_path()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race; its token stands
        return path
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(32) + "\n")
    return path


def _generated_token() -> str | None:
    try:
        return generated_token_path().read_text().strip() or None
    except FileNotFoundError:
        return None


def add_token(name: str, roles: list[str]) -> str:
    """A new token for `name`; returned once, only its hash is stored."""
    if not TOKEN_NAME.match(name):
        raise ValueError("Token names are 1-64 letters, digits or . _ @ -.")
    parsed = parse_roles(roles, where="--roles") or frozenset({Role.VIEWER})
    token = secrets.token_urlsafe(32)
    path = settings().api_tokens_path
    entries = read_table(path, "tokens")
    entries[name] = {"sha256": _digest(token), "roles": sorted(r.value for r in parsed)}
    write_table(path, "tokens", entries, _HEADER)
    return token


def remove_token(name: str) -> bool:
    path = settings().api_tokens_path
    entries = read_table(path, "tokens")
    if entries.pop(name, None) is None:
        return False
    write_table(path, "tokens", entries, _HEADER)
    return True


def list_tokens() -> list[Principal]:
    path = settings().api_tokens_path
    return [Principal(name=name, roles=parse_roles(entry.get("roles", []), where=f"token {name}"))
            for name, entry in sorted(read_table(path, "tokens").items())]


def principal_for(token: str, via: str) -> Principal | None:
    """Who holds this bearer token; every candidate is compared, in constant time."""
    supplied = _digest(token).encode()
    found: Principal | None = None
    admin = frozenset({Role.ADMIN})
    candidates: list[tuple[str, str, frozenset[Role]]] = []
    if settings().api_token:
        candidates.append(("BATCH_API_TOKEN", _digest(settings().api_token or ""), admin))
    path = settings().api_tokens_path
    for name, entry in read_table(path, "tokens").items():
        candidates.append((name, str(entry.get("sha256", "")),
                           parse_roles(entry.get("roles", []), where=f"{path}: token {name}")))
    if not candidates:
        generated = _generated_token()
        if generated:
            candidates.append(("local-admin", _digest(generated), admin))
    for name, digest, roles in candidates:
        if hmac.compare_digest(supplied, digest.encode()) and found is None:
            found = Principal(name=name, roles=roles, via=via)
    return found
