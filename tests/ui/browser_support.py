"""Real-browser plumbing shared by the end-to-end test and bench/bench_dashboard.py.

`streamlit run` in its own process group on a free port, Debian's Chromium driven by Python
Playwright (never `playwright install`: nothing is downloaded), and small page helpers.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
DROPZONE = '[data-testid="stFileUploaderDropzone"]'



def require_chromium() -> None:
    """The browser test is never skipped: a missing browser is a set-up error, said plainly."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing. Install Debian's Chromium with `make chromium` "
                           "(or `apt-get install -y chromium`); the browser test does not download "
                           "browsers.")


@contextmanager
def streamlit_server(env: dict[str, str], timeout: float = 60.0, port: int | None = None,
                     extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free port; yields its base URL; kills its group after."""
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
               "--server.headless", "true", "--server.address", "127.0.0.1",
               "--server.port", str(port), "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", *extra_args]
    log = open(os.devnull, "wb") if not os.environ.get("E2E_SERVER_LOG") else \
        open(os.environ["E2E_SERVER_LOG"], "ab")
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {process.returncode} before it was ready")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer on {base} within {timeout:.0f} s")
            time.sleep(0.1)
        yield base
    finally:
        _stop_group(process)
        log.close()


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=5)


@contextmanager
def chromium_page(width: int = 1400, height: int = 900) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(150)  # let a just-triggered rerun flip the state to running first
    page.wait_for_selector(IDLE, timeout=timeout)


def drop_files(page, paths: list[Path]) -> None:
    """Drag and drop files onto the uploader, the way a user does (a DataTransfer 'drop' event)."""
    payload = [{"name": p.name, "text": p.read_text(encoding="utf-8")} for p in paths]
    data_transfer = page.evaluate_handle(
        """files => {
            const transfer = new DataTransfer();
            for (const f of files) transfer.items.add(new File([f.text], f.name, {type: 'text/plain'}));
            return transfer;
        }""", payload)
    dropzone = page.locator(DROPZONE).first
    for event in ("dragenter", "dragover", "drop"):
        dropzone.dispatch_event(event, {"dataTransfer": data_transfer})


def table_rows(page, which: int = 0) -> list[dict[str, str]]:
    """Rows of the n-th st.dataframe as {column header: cell text}.

    The grid paints on a canvas; its text is in an accessible table that only holds the rows
    and columns currently scrolled into view, so keep the columns a test reads on screen.
    """
    return page.evaluate(
        """which => {
            const frame = document.querySelectorAll('[data-testid="stDataFrame"]')[which];
            if (!frame) return [];
            const headers = Array.from(frame.querySelectorAll('table thead th'), h => h.innerText.trim());
            return Array.from(frame.querySelectorAll('table tbody tr'), row => {
                const cells = {};
                row.querySelectorAll('td').forEach((cell, n) => { cells[headers[n]] = cell.innerText.trim(); });
                return cells;
            });
        }""", which)


def wait_for_rows(page, predicate, which: int = 0, timeout: float = 30.0) -> list[dict[str, str]]:
    """Poll the n-th table until predicate(rows) holds (the grid repaints after each rerun)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = table_rows(page, which)
        if predicate(rows):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"table {which} never matched; last rows: {rows}")
        page.wait_for_timeout(100)


def full_screenshot(page, path: Path) -> None:
    """A screenshot of the whole page: grow the viewport to the app's height first."""
    page.evaluate("() => { window.scrollTo(0, 0); const m = document.querySelector("
                  "'[data-testid=\"stMain\"]'); if (m) m.scrollTop = 0; }")
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }")
    size = page.viewport_size or {"width": 1400, "height": 900}
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(height) + 40)})
    page.wait_for_timeout(300)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
