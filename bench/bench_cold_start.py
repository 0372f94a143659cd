"""Cold and warm parallel efficiency: the first batch of a new process (every CLI `submit`)
against a fake provider with 1 s latency, beside the second batch of a process that has run one.

Cold: `python -m batch_core submit FOLDER` in a fresh process; the time is the batch's own
(submitted_at -> finished_at in Redis). The CLI loads the engine (SDK, language model, lexicons)
while it reads the files and before it submits, so that is not in the batch's time: the whole
process's wall time (Python start-up, imports, reading, the batch, exit) is printed beside it.
Warm: the same batch submitted twice in this process; the second is timed.

Run: .venv/bin/python bench/bench_cold_start.py   (prints numbers; no asserts)
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes import llm_server  # noqa: E402
from tests.fakes.llm_server import FakeLLMServer, FakeResponse  # noqa: E402

llm_server._Handler.disable_nagle_algorithm = True  # see bench_engine.py
SAMPLE = ROOT / "samples" / "01_product_launch_sync.txt"
LATENCY = 1.0
ROUNDS = 7


def _seconds(batch: dict) -> float:
    start = datetime.fromisoformat(batch["submitted_at"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(batch["finished_at"].replace("Z", "+00:00"))
    return (end - start).total_seconds()


def _folder(count: int, tag: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"cold-{tag}-"))
    text = SAMPLE.read_text()
    for n in range(count):
        (folder / f"{tag} meeting {n:03d}.txt").write_text(text)
    return folder


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="bench-cold-")
    with FakeLLMServer(default=FakeResponse.ok(delay=LATENCY)) as server:
        env = {**os.environ, **server.env("openai"), "BATCH_DATA_DIR": data_dir}
        env.pop("REDIS_URL", None)
        try:
            print(f"== Cold vs warm efficiency, fake provider latency {LATENCY:.0f} s, "
                  f"{ROUNDS} rounds per worker (5 at 10 workers: 50 per batch)")
            print(f"{'workers':>8} {'meetings':>9} {'ideal s':>8} {'cold s':>7} {'cold eff':>9} {'wall s':>7} "
                  f"{'wall eff':>9} {'warm s':>7} {'warm eff':>9}")
            for workers in (1, 3, 10):
                count = workers * min(ROUNDS, 50 // workers)  # a batch holds at most 50
                ideal = math.ceil(count / workers) * LATENCY
                cold_env = {**env, "BATCH_MAX_WORKERS": str(workers)}
                started = time.perf_counter()
                run = subprocess.run([sys.executable, "-m", "batch_core", "submit", str(_folder(count, f"c{workers}")),
                                      "--wait", "--json", "--on-duplicate", "allow_duplicates"],
                                     cwd=ROOT, env=cold_env, capture_output=True, text=True, timeout=600)
                wall = time.perf_counter() - started
                printed = run.stdout[run.stdout.index("\n{") + 1:] if "\n{" in run.stdout else run.stdout
                if run.returncode not in (0, 1):
                    raise SystemExit(f"submit failed: {run.stderr[-800:]}")
                cold = _seconds(json.loads(printed))  # after the progress lines
                code = ("import json, sys, batch_core\n"
                        "from pathlib import Path\n"
                        "def one(tag):\n"
                        f"    folder = Path({str(_folder(count, 'w'))!r})\n"
                        "    meetings = [{'title': f'{tag} {p.name}', 'tier': 'ordinary', 'transcript': p.read_text()}\n"
                        "                for p in sorted(folder.iterdir())]\n"
                        "    batch = batch_core.submit(meetings, on_duplicate='allow_duplicates')\n"
                        "    return batch_core.wait(batch['batch_id'], poll=0.02)\n"
                        "one('first'); print(json.dumps(one('second')))\n")
                warm_run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=cold_env,
                                          capture_output=True, text=True, timeout=600)
                warm = _seconds(json.loads(warm_run.stdout.strip().splitlines()[-1]))
                print(f"{workers:>8} {count:>9} {ideal:>8.1f} {cold:>7.2f} {ideal / cold:>9.2f} {wall:>7.2f} "
                      f"{ideal / wall:>9.2f} {warm:>7.2f} {ideal / warm:>9.2f}")
        finally:  # the embedded server outlives the CLI processes that started it
            subprocess.run([sys.executable, "-m", "batch_core", "redis", "stop"], cwd=ROOT, env=env,
                           capture_output=True, timeout=60)


if __name__ == "__main__":
    main()
