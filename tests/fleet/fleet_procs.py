"""Real RQ worker processes for the fleet tests and the benchmark (no pytest dependency)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


def children(pid: int) -> list[int]:
    """Direct children of pid (from /proc): a worker's forked work horse."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may contain spaces, so split after the last ')'
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    result, frontier = [], [pid]
    while frontier:
        kids = [c for p in frontier for c in children(p)]
        result.extend(kids)
        frontier = kids
    return result


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _wait_for_stop(pid: int, timeout: float = 1.0) -> str | None:
    """The process state once SIGSTOP took effect: T (stopped), Z (had already exited) or None."""
    deadline = time.monotonic() + timeout
    state = _state(pid)
    while state not in ("T", "Z", None) and time.monotonic() < deadline:
        time.sleep(0.005)
        state = _state(pid)
    return state


class WorkerFleet:
    """`count` separate `python -m batch_core.cli.worker --workers 1` processes."""

    def __init__(self, env: dict[str, str], count: int = 3, log_dir: Path | None = None) -> None:
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
        self.count = count
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []
        self._logs: list = []

    def start(self) -> "WorkerFleet":
        for number in range(self.count):
            self.add(number)
        return self

    def add(self, number: int | None = None) -> subprocess.Popen:
        number = len(self.procs) if number is None else number
        out = subprocess.DEVNULL
        if self.log_dir is not None:
            out = open(self.log_dir / f"worker{number}.log", "ab")
            self._logs.append(out)
        proc = subprocess.Popen(
            [sys.executable, "-m", "batch_core.cli.worker", "--workers", "1", "--log-level", "WARNING"],
            cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def busy_worker(self, timeout: float = 30.0) -> subprocess.Popen:
        """A worker that is running a meeting right now (it has a work horse)."""
        return wait_for(lambda: next((p for p in self.procs if p.poll() is None and children(p.pid)), None),
                        timeout, "a worker to pick up a meeting", poll=0.02)

    def kill_mid_meeting(self, timeout: float = 30.0) -> subprocess.Popen:
        """SIGKILL a worker whose work horse is certainly mid-meeting: the horse is frozen with
        SIGSTOP first (a horse that already exited stays a zombie and is skipped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for proc in self.procs:
                if proc.poll() is not None:
                    continue
                for horse in children(proc.pid):
                    try:
                        os.kill(horse, signal.SIGSTOP)
                    except ProcessLookupError:
                        continue
                    state = _wait_for_stop(horse)
                    if state == "T":
                        self.kill_hard(proc)
                        return proc
                    if state not in ("Z", None):  # never seen stopping: let it go on
                        os.kill(horse, signal.SIGCONT)
            time.sleep(0.01)
        raise AssertionError("no worker was caught mid-meeting")

    @staticmethod
    def kill_hard(proc: subprocess.Popen) -> list[int]:
        """SIGKILL a worker and its work horse at once, as a machine crash would."""
        victims = [proc.pid, *descendants(proc.pid)]
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=10)
        return victims

    def stop(self) -> None:
        """Kill every worker and horse this fleet started (by pid, nothing else)."""
        for proc in self.procs:
            if proc.poll() is None:
                self.kill_hard(proc)
        for log in self._logs:
            log.close()
        self.procs.clear()
        self._logs.clear()

    def __enter__(self) -> "WorkerFleet":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
