"""Sign-in in a real browser (Debian's Chromium): the users-file form, and OpenID Connect against
a real OpenID Provider (panva's oidc-provider on 127.0.0.1) through Streamlit's st.login."""
from __future__ import annotations

import pytest

import batch_core as core
from batch_core.access import users
from tests.fakes.oidc_provider import oidc_provider
from tests.servers import free_port
from tests.ui.browser_support import chromium_page, streamlit_server, wait_idle
from tests.ui.ui_support import meeting, sensitive_transcript, submit_and_wait

pytestmark = pytest.mark.e2e
PASSWORD = "browser demo password"


@pytest.fixture
def stored():
    submit_and_wait([meeting("Roadmap sync")])
    return submit_and_wait([meeting("Disciplinary hearing", "sensitive", sensitive_transcript())])


def _sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def test_users_file_sign_in_in_a_real_browser(redis_url, tmp_path, monkeypatch, stored):
    monkeypatch.setenv("BATCH_USERS_FILE", str(tmp_path / "users.toml"))
    from batch_core import config
    config.reload_settings()
    users.add_user("siri", PASSWORD, ["sensitive"])
    users.add_user("vera", PASSWORD, [])
    env = {"REDIS_URL": redis_url, "BATCH_USERS_FILE": str(tmp_path / "users.toml"), "LLM_PROVIDER": "local"}
    with streamlit_server(env) as base, chromium_page() as page:
        page.goto(f"{base}/Meetings")
        wait_idle(page)
        assert page.get_by_role("heading", name="Sign in").is_visible()
        assert "Roadmap" not in page.content()
        page.get_by_role("textbox", name="User name").fill("vera")
        page.get_by_role("textbox", name="Password").fill("wrong password!")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Wrong user name or password.").wait_for()
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as").wait_for()
        wait_idle(page)
        assert "vera" in _sidebar_text(page) and "Access audit" not in _sidebar_text(page)
        assert "Disciplinary" not in page.content()
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("heading", name="Sign in").wait_for()
        page.get_by_role("textbox", name="User name").fill("siri")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as").wait_for()
        wait_idle(page)
        page.get_by_text("Disciplinary hearing").first.wait_for(state="attached")
    views = [e for e in core.audit_log() if e["meeting_id"] == stored["results"][0]["meeting_id"]]
    assert [(e["who"], e["action"]) for e in views] == [("siri", "view")]


def test_oidc_sign_in_against_a_real_openid_provider(redis_url, tmp_path, stored):
    port = free_port()
    redirect = f"http://127.0.0.1:{port}/oauth2callback"
    with oidc_provider("dashboard", "test-client-secret", redirect) as issuer:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "{redirect}"\n'
            'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
            'client_id = "dashboard"\n'
            'client_secret = "test-client-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
            # Streamlit asks for prompt=select_account (Entra ID's); this provider knows login.
            'client_kwargs = { scope = "openid profile email groups", prompt = "login" }\n')
        env = {"REDIS_URL": redis_url, "LLM_PROVIDER": "local", "BATCH_USERS_FILE": str(tmp_path / "none.toml"),
               "BATCH_OIDC_ROLE_MAP": "grp-hr-cleared=sensitive,analyst", "BATCH_OIDC_DEFAULT_ROLES": "viewer"}
        with streamlit_server(env, port=port, extra_args=("--secrets.files", str(secrets))) as base, \
                chromium_page() as page:
            page.goto(f"{base}/Meetings")
            wait_idle(page)
            assert "Roadmap" not in page.content()
            page.get_by_role("button", name="Sign in").click()
            # The provider's own login and consent screens.
            page.locator('input[name="login"]').fill("ingrid.hr")
            page.locator('input[name="password"]').fill("any password")
            page.locator('button[type="submit"]').click()
            page.locator('button[type="submit"]').click()  # consent: Continue
            page.wait_for_url(f"{base}/**")
            page.get_by_text("Signed in as").wait_for(timeout=60_000)
            wait_idle(page)
            sidebar = _sidebar_text(page)
            assert "ingrid.hr@example.no" in sidebar and "sensitive" in sidebar
            page.goto(f"{base}/Meetings")  # the identity cookie carries over to a new page load
            wait_idle(page)
            page.get_by_text("Disciplinary hearing").first.wait_for(state="attached")
    views = [e for e in core.audit_log() if e["meeting_id"] == stored["results"][0]["meeting_id"]]
    assert [(e["who"], e["action"]) for e in views] == [("ingrid.hr@example.no", "view")]
