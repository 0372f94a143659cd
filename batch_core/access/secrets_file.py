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


def read_table(path: Path, table: str) -> dict[str, dict[str, Any]]:
    """`[table.<name>]` entries of a TOML file; {} when the file does not exist."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None
    entries = data.get(table, {})
    if not isinstance(entries, dict) or not all(isinstance(v, dict) for v in entries.values()):
        raise ValueError(f"{path}: expected [{table}.<name>] tables.")
    return entries


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
