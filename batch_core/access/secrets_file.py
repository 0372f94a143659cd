"""The two credential files (users, API tokens): small TOML tables written 0600, atomically.

Each holds only hashes, never a password or a token, but a hash file is still worth guarding:
it is written to a temporary file with mode 0600 and renamed over the old one, so a reader never
sees half a file and the permissions are right from the first byte.
"""
from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any


# Every API request and every dashboard run asks these files; they are parsed again only when
# they change (a stat per call instead of a read and a TOML parse).
_parsed: dict[tuple[Path, str], tuple[tuple[int, int, int], dict[str, Any]]] = {}


def _load(path: Path, table: str) -> dict[str, Any]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)  # a rewrite is a new inode (os.replace)
    cached = _parsed.get((path, table))
    if cached is not None and cached[0] == version:
        return cached[1]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None
    _parsed[(path, table)] = (version, data)
    return data


def read_table(path: Path, table: str) -> dict[str, dict[str, Any]]:
    """`[table.<name>]` entries of a TOML file (a copy: callers may edit it); {} when absent."""
    data = _load(path, table)
    entries = data.get(table, {})
    if not isinstance(entries, dict) or not all(isinstance(v, dict) for v in entries.values()):
        raise ValueError(f"{path}: expected [{table}.<name>] tables.")
    return {name: dict(entry) for name, entry in entries.items()}


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    # A JSON string with ensure_ascii is a valid TOML basic string.
    return json.dumps(str(value))


def write_table(path: Path, table: str, entries: dict[str, dict[str, Any]], header: str) -> None:
    lines = [f"# {line}" for line in header.splitlines()] + [""]
    for name in sorted(entries):
        lines.append(f"[{table}.{json.dumps(name)}]")
        lines += [f"{key} = {_value(value)}" for key, value in entries[name].items()]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    os.replace(temporary, path)
