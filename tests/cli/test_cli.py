"""`python -m batch_core`: commands, output and exit codes, against the real Redis."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import batch_core
from batch_core.cli import main
from tests.conftest import MEETING_TRANSCRIPT

ROOT = Path(__file__).resolve().parents[2]


def _write(folder: Path, count: int, prefix: str = "meeting") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"{prefix}_{i:02d}.txt").write_text(
            MEETING_TRANSCRIPT.replace("billing page", f"billing page {i}"))
    return folder


def test_submit_folder_wait_json_via_python_m(tmp_path, redis_url):
    folder = _write(tmp_path / "in", 3)
    (folder / "tiny.txt").write_text("Maria: too short.")
    env = {**os.environ, "REDIS_URL": redis_url, "LLM_PROVIDER": "local"}
    run = subprocess.run([sys.executable, "-m", "batch_core", "submit", str(folder), "--wait",
                          "--json"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    batch = json.loads(run.stdout)
    assert (batch["total"], batch["completed"], batch["skipped"]) == (4, 3, 1)
    assert batch["status"] == "completed"
    assert "done" in run.stderr, "a progress bar is drawn on stderr"
    assert batch_core.get(batch["batch_id"])["completed"] == 3


def test_missing_path_is_invalid_input(tmp_path, capsys):
    assert main(["submit", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt: no such file or folder" in capsys.readouterr().err
    assert batch_core.list_batches() == []


def test_over_the_limit_is_invalid_input(tmp_path, capsys):
    folder = _write(tmp_path / "many", 51)
    assert main(["submit", str(folder)]) == 2
    assert "at most 50 meetings" in capsys.readouterr().err
    assert batch_core.list_batches() == []


def test_unreadable_files_are_reported_and_the_rest_submitted(tmp_path, capsys):
    folder = _write(tmp_path / "mixed", 2)
    (folder / "broken.docx").write_bytes(b"not a zip at all")
    assert main(["submit", str(folder), "--wait"]) == 0
    captured = capsys.readouterr()
    assert "broken.docx" in captured.err
    assert "2 completed" in captured.out


def test_failed_meetings_exit_1_and_retry_command(tmp_path, capsys, unreachable_llm):
    folder = _write(tmp_path / "in", 2)
    unreachable_llm()
    assert main(["submit", str(folder), "--wait"]) == 1
    batch_id = batch_core.list_batches()[0]["batch_id"]
    assert "2 failed" in capsys.readouterr().out
    assert main(["status", batch_id]) == 1
    assert main(["retry", batch_id]) == 1  # the provider is still unreachable
    assert "Re-queued 2 failed meetings" in capsys.readouterr().out


def test_status_list_cancel(tmp_path, capsys):
    folder = _write(tmp_path / "in", 2)
    assert main(["submit", str(folder), "--json"]) == 0
    submitted = json.loads(capsys.readouterr().out)
    assert set(submitted) == {"batch_id", "total", "status", "submitted_at", "mode", "name"}
    batch_id = submitted["batch_id"]
    assert main(["status", batch_id, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["batch_id"] == batch_id
    assert main(["list"]) == 0
    assert batch_id in capsys.readouterr().out
    assert main(["cancel", batch_id]) == 2, "a finished batch cannot be canceled"
    assert "already completed" in capsys.readouterr().err
    assert main(["status", "batch_00000000"]) == 2


def test_redis_stop_leaves_an_external_server_alone(capsys, redis_url):
    assert main(["redis", "stop"]) == 0
    assert "REDIS_URL is set" in capsys.readouterr().out
    assert batch_core.health()["redis"] == "ok"


def test_submit_estimate_prints_tokens_and_cost_and_sends_nothing(tmp_path, capsys, monkeypatch):
    from batch_core import config
    folder = _write(tmp_path / "est", 3)
    monkeypatch.setenv("LLM_PROVIDER", "anthropic")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "unused")
    config.reload_settings()
    assert main(["submit", str(folder), "--estimate"]) == 0
    out = capsys.readouterr().out
    assert "3 provider calls" in out and "input tokens" in out and "$" in out and "Nothing was sent" in out
    assert batch_core.list_batches() == []
    assert main(["submit", str(folder), "--estimate", "--json"]) == 0
    estimate = json.loads(capsys.readouterr().out)
    assert estimate["calls"] == 3 and estimate["model"] == "claude-sonnet-4-5" and estimate["cost_usd"] > 0
