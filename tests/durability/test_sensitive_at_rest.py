"""Nothing raw at rest: after sensitive batches complete, fail, are canceled and are killed
mid-way, no planted value is in any Redis key of any type, the AOF or RDB files, the logs, or any
request to the provider.

Real parts: the module's own redis-server (AOF everysec), the fake provider over HTTP, and for
the kill a `python -m batch_core submit` subprocess that is SIGKILLed mid-batch.
"""
from __future__ import annotations

import json
import re
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import batch_core
from batch_core.store.sealing import is_sealed
from tests.durability.conftest import child_env
from tests.durability.invariant import all_batch_ids, read_batch
from tests.fakes.llm_server import FakeResponse
from tests.pipeline.pii_corpus import SPEAKERS, build
from tests.redis_scan import every_value
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _secrets() -> list[str]:
    values = set(SPEAKERS) | {part for s in SPEAKERS for part in s.split()}
    for meeting in build():
        for kind, found in meeting.values.items():
            values.update(v.split(",")[0] if kind == "STREET_ADDRESS" else v for v in found)
    return sorted(values)


def _meetings() -> list[dict]:
    return [{"title": m.title, "tier": "sensitive", "transcript": m.transcript,
             "source_name": f"case_{m.title.split(': ')[1].lower().replace(' ', '_')}.txt"}
            for m in build()]


def _files_of(folder: Path) -> str:
    """AOF (all parts), RDB and anything else the server keeps on disk."""
    text = []
    for path in folder.rglob("*"):
        if path.is_file():
            text.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(text)


_SEALED = re.compile(r"sealed:v1:[A-Za-z0-9_=-]+")


def _assert_nowhere(where: str, text: str) -> None:
    # Fernet ciphertext is base64: a three-letter name ("Wei") turns up in it by chance about once
    # in ten runs. What is sealed is checked by is_sealed; the search is over everything else.
    text = _SEALED.sub("<sealed>", text)
    for secret in _secrets():
        escaped = json.dumps(secret)[1:-1]  # ø -> \u00f8 inside JSON
        assert secret not in text and escaped not in text, f"{secret!r} is in {where}"


def _wait_done(batch_id: str) -> dict:
    return wait_for(lambda: (lambda b: b if b and b["status"] != "processing" else None)(
        read_batch(batch_id)), 120, f"batch {batch_id} to end")


def test_completed_failed_canceled_and_killed_batches_leave_nothing_raw(
        own_redis, redis_proc, fake_llm, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)

    # 1. completed
    done = batch_core.submit(_meetings())
    assert batch_core.wait(done["batch_id"], timeout=120, poll=0.05)["completed"] == 4

    # 2. failed: the provider rejects the key; the inputs stay for a retry
    fake_llm.default = FakeResponse.error(401)
    failed = batch_core.submit(_meetings(), on_duplicate="allow_duplicates")
    assert batch_core.wait(failed["batch_id"], timeout=120, poll=0.05)["failed"] == 4
    items = own_redis.hgetall(f"batch:{failed['batch_id']}:items")
    assert len(items) == 4  # kept for retry: redacted (reached the provider) or still sealed
    assert all(is_sealed(v) or '"redaction":{' in v for v in items.values())

    # 3. canceled while the first meeting hangs at the provider
    fake_llm.default = FakeResponse.slow(30)
    canceled = batch_core.submit(_meetings(), on_duplicate="allow_duplicates")
    wait_for(lambda: any(r["status"] == "processing" for r in read_batch(canceled["batch_id"])["results"]),
             60, "a meeting to be processing")
    assert batch_core.cancel(canceled["batch_id"])["canceled_now"] >= 1

    # 4. killed mid-way: a CLI process whose provider calls never answer
    folder = tmp_path / "files"
    folder.mkdir()
    for meeting in _meetings():
        (folder / meeting["source_name"]).write_text(meeting["transcript"], encoding="utf-8")
    log = tmp_path / "victim.log"
    known = set(all_batch_ids())
    victim = subprocess.Popen(
        [sys.executable, "-m", "batch_core", "submit", str(folder), "--tier", "sensitive",
         "--on-duplicate", "allow_duplicates", "--wait"],
        cwd=ROOT, env=child_env(BATCH_MAX_WORKERS="2"), stdout=log.open("w"),
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def midway():
            new = [b for b in all_batch_ids() if b not in known]
            return new and sum(r["status"] == "processing"
                               for r in read_batch(new[0])["results"]) == 2
        wait_for(midway, 90, "the CLI batch to be mid-way")
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
    finally:
        if victim.poll() is None:
            os.killpg(victim.pid, signal.SIGKILL)
    killed = [b for b in all_batch_ids() if b not in known][0]
    assert read_batch(killed)["status"] == "processing"  # orphaned, as a crash leaves it

    fake_llm.default = FakeResponse.ok()
    _wait_done(canceled["batch_id"])
    # Uncompressed, so the RDB (and the AOF's RDB preamble) hold values as written: LZF output is
    # binary noise that can both hide a value and spell one by chance.
    own_redis.config_set("rdbcompression", "no")
    own_redis.bgrewriteaof()  # as after any sensitive batch; the test server may also have an RDB
    wait_for(lambda: own_redis.info("persistence")["aof_rewrite_in_progress"] == 0, 30,
             "the AOF rewrite to finish")
    own_redis.execute_command("SAVE")  # an RDB snapshot of everything, to scan it too

    _assert_nowhere("a provider request", fake_llm.all_request_text())
    _assert_nowhere("Redis", every_value(own_redis))
    _assert_nowhere("the Redis data dir (AOF/RDB)", _files_of(Path(redis_proc.data_dir)))
    _assert_nowhere("this process's logs", caplog.text)
    _assert_nowhere("the killed CLI's output", log.read_text(encoding="utf-8", errors="replace"))
    rows = [r for b in (done, failed, canceled) for r in batch_core.get(b["batch_id"])["results"]]
    assert all(r["title"].startswith("Case review") and "<PERSON_" in r["title"] for r in rows)
    assert all(r["source_name"] is None or "<PERSON_" in r["source_name"] for r in rows)
