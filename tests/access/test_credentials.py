"""The users file, API tokens and OIDC claims, on real files: hashes only, 0600, roles parsed."""
from __future__ import annotations

import stat

import pytest

from batch_core import config
from batch_core.access import Role, claims, tokens, users


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BATCH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BATCH_API_TOKEN", raising=False)
    config.reload_settings()
    return tmp_path


def test_users_file_keeps_argon2id_hashes_only_and_is_private(data_dir):
    users.add_user("sigrid", "correct horse battery", ["analyst", "sensitive"])
    path = data_dir / "users.toml"
    text = path.read_text()
    assert "correct horse battery" not in text
    assert "$argon2id$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    found = users.verify("sigrid", "correct horse battery", via="test")
    assert found is not None and found.roles == {Role.ANALYST, Role.SENSITIVE}
    assert users.verify("sigrid", "wrong horse battery", via="test") is None
    assert users.verify("nobody", "correct horse battery", via="test") is None


def test_user_rules_are_explained(data_dir):
    with pytest.raises(ValueError, match="at least 10 characters"):
        users.add_user("short", "abc", [])
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        users.add_user("boss", "long enough pass", ["boss"])
    with pytest.raises(ValueError, match="letters, digits"):
        users.add_user("a b", "long enough pass", [])
    users.add_user("plain", "long enough pass", [])
    assert [p.describe() for p in users.list_users()] == ["plain (viewer)"]
    assert users.remove_user("plain") and not users.configured()


def test_a_token_is_generated_on_first_start_and_then_required(data_dir):
    path = tokens.ensure_token()
    assert path == data_dir / "api_token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    generated = path.read_text().strip()
    assert len(generated) >= 40
    assert tokens.principal_for(generated, via="t").is_admin
    assert tokens.principal_for("guess", via="t") is None
    assert tokens.ensure_token() == path and path.read_text().strip() == generated  # kept


def test_named_tokens_are_stored_as_hashes_and_replace_the_generated_one(data_dir):
    tokens.ensure_token()
    generated = (data_dir / "api_token").read_text().strip()
    analyst = tokens.add_token("ci-bot", ["analyst"])
    text = (data_dir / "api_tokens.toml").read_text()
    assert analyst not in text and "sha256" in text
    found = tokens.principal_for(analyst, via="api 127.0.0.1")
    assert (found.name, found.roles, found.via) == ("ci-bot", {Role.ANALYST}, "api 127.0.0.1")
    # Once tokens are configured, the generated first-start token no longer opens anything.
    assert tokens.principal_for(generated, via="t") is None
    assert tokens.remove_token("ci-bot") and tokens.principal_for(analyst, via="t") is None


def test_batch_api_token_stays_admin(data_dir, monkeypatch):
    monkeypatch.setenv("BATCH_API_TOKEN", "legacy-token-value")
    config.reload_settings()
    assert tokens.ensure_token() is None  # nothing generated when one is configured
    assert tokens.principal_for("legacy-token-value", via="t").is_admin


def test_oidc_claims_map_groups_and_app_roles(data_dir, monkeypatch):
    monkeypatch.setenv("BATCH_OIDC_ROLE_MAP", "0a1b-hr-group=sensitive,analyst;Legal=analyst")
    config.reload_settings()
    entra = {"email": "ingrid@example.no", "groups": ["0a1b-hr-group", "other"], "roles": ["admin"]}
    found = claims.principal_from_claims(entra, via="dashboard")
    assert found.name == "ingrid@example.no"
    assert found.roles == {Role.VIEWER, Role.SENSITIVE, Role.ANALYST, Role.ADMIN}
    plain = claims.principal_from_claims({"sub": "x", "groups": "Legal"}, via="dashboard")
    assert plain.roles == {Role.VIEWER, Role.ANALYST}


def test_oidc_without_default_role_lets_no_unmapped_user_in(data_dir, monkeypatch):
    monkeypatch.setenv("BATCH_OIDC_DEFAULT_ROLES", ",")
    config.reload_settings()
    assert claims.principal_from_claims({"sub": "x", "groups": ["unmapped"]}, via="d") is None
    with pytest.raises(ValueError, match="not 'claim value=role"):
        claims.role_map("no-equals-sign")
