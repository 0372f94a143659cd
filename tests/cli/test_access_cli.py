"""`users`, `tokens` and `audit` commands on real files and the real Redis."""
from __future__ import annotations

import batch_core as core
from batch_core import config
from batch_core.access import tokens, users
from batch_core.cli.main import main
from tests.ui.ui_support import meeting, sensitive_transcript, submit_and_wait


def test_users_add_list_remove(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BATCH_USERS_FILE", str(tmp_path / "users.toml"))
    monkeypatch.setenv("DEMO_PASSWORD", "a password long enough")
    config.reload_settings()
    assert main(["users", "add", "kjersti", "--roles", "analyst,sensitive", "--password-env", "DEMO_PASSWORD"]) == 0
    assert "kjersti (analyst, sensitive) can sign in" in capsys.readouterr().out
    assert users.verify("kjersti", "a password long enough", via="t") is not None
    assert main(["users", "add", "x", "--roles", "boss", "--password-env", "DEMO_PASSWORD"]) == 2
    assert "unknown role 'boss'" in capsys.readouterr().err
    assert main(["users", "list"]) == 0 and capsys.readouterr().out.strip() == "kjersti (analyst, sensitive)"
    assert main(["users", "remove", "kjersti"]) == 0 and not users.configured()


def test_tokens_add_prints_the_token_once_and_keeps_its_hash(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BATCH_API_TOKENS_FILE", str(tmp_path / "tokens.toml"))
    config.reload_settings()
    assert main(["tokens", "add", "ci", "--roles", "analyst"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token not in (tmp_path / "tokens.toml").read_text()
    assert tokens.principal_for(token, via="t").name == "ci"


def test_audit_command_prints_sensitive_accesses(capsys):
    batch = submit_and_wait([meeting("Grievance", "sensitive", sensitive_transcript())])
    meeting_id = batch["results"][0]["meeting_id"]
    core.get_meeting(meeting_id)
    assert main(["audit", "--meeting", meeting_id]) == 0
    out = capsys.readouterr().out
    assert "view" in out and meeting_id in out and "via cli" in out
