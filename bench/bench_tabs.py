"""CPU of the dashboard process with ten browser tabs open on a running batch (the Batches page),
and how soon a finished meeting shows in them. Prints numbers; asserts nothing.

Starts its own redis-server, `streamlit run`, the fake OpenAI-compatible server (every call takes
--latency seconds, so the batch keeps running), and Debian's Chromium with ten tabs.

    .venv/bin/python bench/bench_tabs.py [--tabs 10] [--window 20]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ui")]

from bench_dashboard import meetings, start_redis  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_idle  # noqa: E402

from tests.fakes.llm_server import FakeLLMServer, FakeResponse  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its waited-for children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def streamlit_pid(port: int) -> int:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(cmd) and str(port).encode() in cmd:
                return int(proc.name)
    raise RuntimeError("streamlit process not found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, default=10)
    parser.add_argument("--window", type=float, default=20.0, help="seconds of CPU measured")
    parser.add_argument("--latency", type=float, default=30.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    data_dir = tempfile.mkdtemp(prefix="bench-tabs-")
    redis_process, url = start_redis(data_dir)
    with FakeLLMServer(default=FakeResponse.ok(delay=args.latency)) as llm:
        env = {"REDIS_URL": url, "BATCH_DATA_DIR": data_dir, "BATCH_MAX_WORKERS": "2", **llm.env("openai")}
        os.environ.update(env)
        import batch_core as core
        from batch_core import config
        config.reload_settings()
        try:
            with streamlit_server(env) as base, sync_playwright() as playwright:
                port = int(base.rsplit(":", 1)[1])
                batch = core.submit(meetings(40, "Tabs"))
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                pages = []
                for _ in range(args.tabs):
                    page = browser.new_page()
                    page.goto(f"{base}/Batches?batch={batch['batch_id']}", wait_until="commit")
                    pages.append(page)
                for page in pages:
                    wait_idle(page, timeout=60_000)
                pid = streamlit_pid(port)
                time.sleep(2)
                before, started = cpu_seconds(pid), time.monotonic()
                time.sleep(args.window)
                used = cpu_seconds(pid) - before
                elapsed = time.monotonic() - started
                snapshot = core.get(batch["batch_id"])
                still = snapshot["status"]
                print(f"{args.tabs} tabs on a running batch ({still} throughout: {still == 'processing'}): "
                      f"dashboard process {used / elapsed:.2f} of a core over {elapsed:.0f} s")
                browser.close()
                if still == "processing":
                    core.cancel(batch["batch_id"])
        finally:
            core.reset_for_tests()
            redis_process.kill()


if __name__ == "__main__":
    main()
