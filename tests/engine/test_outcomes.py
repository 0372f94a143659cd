"""Truthful outcomes: a batch where nothing completed, or everything was skipped, is not 'completed'."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import batch_core
from batch_core.models import BatchOutcome, batch_outcome, outcome_words

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("status, counts, outcome, words", [
    ("completed", {"completed": 3}, BatchOutcome.ALL_COMPLETED, "completed"),
    ("completed", {"completed": 2, "failed": 3}, BatchOutcome.COMPLETED_WITH_FAILURES, "completed · 3 failed"),
    ("completed", {"failed": 3}, BatchOutcome.NOTHING_COMPLETED, "nothing completed · 3 failed"),
    ("completed", {"skipped": 19}, BatchOutcome.NOTHING_NEW, "nothing new · 19 skipped"),
    ("canceled", {"completed": 1, "canceled": 4}, BatchOutcome.CANCELED, "canceled · 4 canceled"),
    ("partial", {"completed": 1, "failed": 2}, BatchOutcome.PARTIAL, "stopped early · 2 failed"),
    ("processing", {"completed": 1}, None, "processing"),
])
def test_outcome_table(status, counts, outcome, words):
    assert batch_outcome(status, counts) is outcome
    assert outcome_words(outcome, counts) == words


def test_get_says_nothing_completed_and_nothing_new(unreachable_llm, make_meeting):
    unreachable_llm()
    failed = batch_core.wait(batch_core.submit([make_meeting(f"M{n}") for n in range(2)])["batch_id"], timeout=60)
    assert (failed["status"], failed["outcome"], failed["outcome_text"]) == (
        "completed", "nothing_completed", "nothing completed · 2 failed")
    too_short = {"title": "Tiny", "tier": "ordinary", "transcript": "Ann: hi."}
    skipped = batch_core.get(batch_core.submit([too_short, {**too_short, "title": "Tiny 2"}])["batch_id"])
    assert (skipped["outcome"], skipped["outcome_text"]) == ("nothing_new", "nothing new · 2 skipped")
    listed = {b["batch_id"]: b for b in batch_core.list_batches()}
    assert listed[skipped["batch_id"]]["outcome"] == "nothing_new"


def test_cli_list_shows_skipped_and_a_closed_pipe_is_no_traceback(redis_url):
    too_short = {"title": "Tiny", "tier": "ordinary", "transcript": "Ann: hi."}
    for n in range(200):  # over a pipe buffer (64 KB) of JSON, so `head` really closes it early
        batch_core.submit([{**too_short, "title": f"Tiny {n}"}])
    env = {"REDIS_URL": redis_url, "PATH": "/usr/bin:/bin", "LLM_PROVIDER": "local"}
    listing = subprocess.run([sys.executable, "-m", "batch_core", "list", "--limit", "5"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert "1 skipped" in listing.stdout and "nothing new" in listing.stdout
    piped = subprocess.run(f"'{sys.executable}' -m batch_core list --json --limit 200 | head -c 100; "
                           "echo \" exit=${PIPESTATUS[0]}\"", shell=True, executable="/bin/bash", cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=60)
    assert piped.stdout.endswith(" exit=0\n"), piped.stdout[-200:]
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr, piped.stderr
