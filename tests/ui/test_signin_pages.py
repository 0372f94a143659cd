"""Sign-in and roles in the dashboard (AppTest over the real pages and real Redis): the users
file's form, what each role sees on every page, the audit page, single-user mode."""
from __future__ import annotations

import pytest
from streamlit import config as st_config

import batch_core as core
from batch_core.access import users
from ui_support import assert_clean, meeting, open_page, sensitive_transcript, submit_and_wait, texts

PASSWORD = "a long demo password"


@pytest.fixture
def users_file(env, tmp_path):
    env(BATCH_USERS_FILE=tmp_path / "users.toml")
    for name, roles in (("vera", []), ("anders", ["analyst"]), ("siri", ["sensitive"]),
                        ("ada", ["admin"])):
        users.add_user(name, PASSWORD, roles)


@pytest.fixture
def stored():
    ordinary = submit_and_wait([meeting("Roadmap sync")])
    sensitive = submit_and_wait([meeting("Disciplinary hearing", "sensitive", sensitive_transcript())])
    return ordinary, sensitive


def sign_in(at, name: str, password: str = PASSWORD):
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    return at.button[0].click().run()


def test_every_page_asks_for_sign_in_first(users_file, stored):
    for page in (None, "pages/1_Upload.py", "pages/2_Batches.py", "pages/3_Meetings.py", "pages/4_Audit.py"):
        at = open_page(page)
        assert_clean(at)
        assert at.title[0].value.endswith("Sign in")
        assert "Roadmap" not in texts(at) and not at.metric and not at.dataframe


def test_a_wrong_password_is_refused_in_plain_words(users_file):
    at = sign_in(open_page(), "vera", "not the password")
    assert "Wrong user name or password." in texts(at)
    assert at.title[0].value.endswith("Sign in")


def test_a_viewer_sees_ordinary_meetings_only(users_file, stored):
    at = sign_in(open_page(), "vera")
    assert_clean(at)
    page = texts(at)
    assert "Signed in as **vera**" in page
    assert "Ordinary meetings" in page and "Sensitive meetings" not in page
    assert stored[1]["batch_id"] not in page
    at.switch_page("pages/3_Meetings.py").run()
    assert at.dataframe[0].value["Tier"].tolist() == ["ordinary"]
    at.switch_page("pages/2_Batches.py").run()
    assert stored[1]["batch_id"] not in " ".join(map(str, at.selectbox[0].options))
    at.switch_page("pages/1_Upload.py").run()
    assert "uploading needs the 'analyst' role" in texts(at)
    at.switch_page("pages/4_Audit.py").run()
    assert "The access audit is for admins." in texts(at)


def test_an_analyst_uploads_ordinary_only(users_file):
    at = sign_in(open_page("pages/1_Upload.py"), "anders")
    assert_clean(at)
    assert at.radio(key="upload_tier").options == ["Ordinary"]


def test_the_sensitive_role_sees_sensitive_meetings_and_its_view_is_audited(users_file, stored):
    at = sign_in(open_page("pages/3_Meetings.py"), "siri")
    assert_clean(at)
    assert sorted(at.dataframe[0].value["Tier"].tolist()) == ["ordinary", "sensitive"]
    sensitive_id = stored[1]["results"][0]["meeting_id"]
    at.query_params["meeting"] = sensitive_id
    at.run()
    assert "Disciplinary hearing" in at.header[0].value
    assert not [b for b in at.button if b.key == "delete_meeting"]  # only admins delete
    views = [e for e in core.audit_log() if e["meeting_id"] == sensitive_id]
    assert [(e["action"], e["who"], e["via"].split()[0]) for e in views] == [("view", "siri", "dashboard")]


def test_admins_read_the_audit_page(users_file, stored):
    core.get_meeting(stored[1]["results"][0]["meeting_id"],
                     principal=core.Principal("siri", frozenset({core.Role.SENSITIVE}), via="test"))
    at = sign_in(open_page("pages/4_Audit.py"), "ada")
    assert_clean(at)
    frame = at.dataframe[0].value
    assert {"view", "submit"} <= set(frame["Action"])
    assert "siri" in set(frame["Who"])


def test_signing_out_returns_to_the_form(users_file):
    at = sign_in(open_page(), "ada")
    at.button(key="sign_out").click().run()
    assert at.title[0].value.endswith("Sign in")


def test_single_user_mode_says_so_and_stays_on_loopback(stored):
    at = open_page()
    assert_clean(at)
    assert "Single-user mode" in texts(at)
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = open_page("pages/3_Meetings.py")
        assert "Not served" in texts(at) and not at.dataframe
    finally:
        st_config.set_option("server.address", previous)
