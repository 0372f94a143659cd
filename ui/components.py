"""Streamlit pieces every page shares: page setup (with sign-in), the guard around every
batch_core call, badges, engine info."""
from __future__ import annotations

import inspect
import time
from functools import lru_cache
from typing import Any, Callable, TypeVar

import streamlit as st

import batch_core as core
from batch_core.validation import BATCH_ID, MEETING_ID
from ui import signin
from ui.format import BADGE_COLOURS, STATUS_ICONS, escape_markdown, status_value

T = TypeVar("T")

# Session-state keys shared between pages.
SELECTED_BATCH = "selected_batch"
SELECTED_MEETING = "selected_meeting"
FLASH = "flash_message"

PAGE_HOME = "dashboard.py"
PAGE_UPLOAD = "pages/1_Upload.py"
PAGE_BATCHES = "pages/2_Batches.py"
PAGE_MEETINGS = "pages/3_Meetings.py"
PAGE_AUDIT = "pages/4_Audit.py"
PAGE_ACTIONS = "pages/5_Actions.py"


NAVIGATION = [
    (PAGE_HOME, "Home", ":material/home:"),
    (PAGE_UPLOAD, "Upload", ":material/upload_file:"),
    (PAGE_BATCHES, "Batches", ":material/monitoring:"),
    (PAGE_MEETINGS, "Meetings", ":material/description:"),
    (PAGE_ACTIONS, "Action items", ":material/checklist:"),
]
ADMIN_NAVIGATION = [(PAGE_AUDIT, "Access audit", ":material/policy:")]


def page_setup(title: str, icon: str) -> core.Principal:
    """Tab title, wide layout, sign-in, and the sidebar links (Streamlit's own list would say
    'dashboard' for the home page, after the script's file name; .streamlit/config.toml hides
    it). Returns who is signed in; pages stop here for anyone who is not."""
    st.set_page_config(page_title=f"{title} · Meeting batches", page_icon=icon, layout="wide")
    with st.sidebar:
        st.markdown("### :material/inventory_2: Meeting batches")
    principal = signin.require()
    with st.sidebar:
        for page, label, page_icon in NAVIGATION + (ADMIN_NAVIGATION if principal.is_admin else []):
            st.page_link(page, label=label, icon=page_icon)
    return principal


def principal() -> core.Principal:
    """Who this page acts as (set by page_setup on every run)."""
    found = signin.current()
    if found is None:  # page_setup always runs first; this is a programming error
        raise RuntimeError("page_setup() must run before batch_core is called")
    return found


def storage_down(exc: BaseException) -> None:
    """The friendly screen shown instead of a stack trace when Redis cannot be reached."""
    st.error("**The batch store is not reachable right now.** Nothing is lost: batches, results "
             "and meetings are kept in Redis and show up again as soon as it is back.", icon=":material/cloud_off:")
    st.markdown("What the store said:")
    st.text(str(exc) or type(exc).__name__)
    st.info("Check that the Redis server behind `REDIS_URL` is running and reachable, or unset "
            "`REDIS_URL` to let the app start its own embedded Redis. Then try again.", icon=":material/lightbulb:")
    st.button("Try again", key="storage_retry", type="primary")


@lru_cache(maxsize=None)
def _takes_principal(call: Callable[..., Any]) -> bool:
    try:
        return "principal" in inspect.signature(call).parameters
    except (TypeError, ValueError):
        return False


def linked_id(value: object, kind: str) -> str | None:
    """A batch or meeting id from a link or the session, or None when it is not one (a tampered
    link gets the page's normal view, not an error)."""
    pattern = BATCH_ID if kind == "batch" else MEETING_ID
    return value if isinstance(value, str) and pattern.match(value) else None


def guarded(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run an API call as the signed-in principal; on StorageUnavailable show the friendly
    screen, on AccessDenied the reason, and stop the page."""
    if _takes_principal(call):
        kwargs.setdefault("principal", principal())
    try:
        return call(*args, **kwargs)
    except core.StorageUnavailable as exc:
        storage_down(exc)
        st.stop()
        raise  # st.stop() raises; this keeps type checkers honest
    except core.AccessDenied as exc:
        st.error(escape_markdown(exc), icon=":material/lock:")
        st.stop()
        raise


def status_markdown(status: object) -> str:
    """Coloured status text for st.markdown (status values are ours, never user text)."""
    value = status_value(status)
    return f"{STATUS_ICONS.get(value, '')} :{BADGE_COLOURS.get(value, 'gray')}[**{value}**]"


OUTCOME_COLOURS = {"all_completed": "green", "completed_with_failures": "orange", "nothing_completed": "red",
                   "nothing_new": "gray", "canceled": "gray", "partial": "violet"}


def outcome_markdown(batch: dict) -> str:
    """'completed · 3 failed' in its own colour: a batch where nothing completed is not green."""
    outcome = batch.get("outcome")
    if not outcome:
        return status_markdown(batch.get("status"))
    words = str(batch.get("outcome_text") or outcome)  # built from our counters, never user text
    return f":{OUTCOME_COLOURS.get(outcome, 'gray')}[**{words}**]"


FLASH_SECONDS = 8.0


def flash(message: str) -> None:
    """Keep a message for the page the user lands on, for a few seconds: the page may rerun
    itself at once (a batch that just ended refreshes the whole page), and the message must not
    vanish with that rerun."""
    st.session_state[FLASH] = (message, time.monotonic() + FLASH_SECONDS)


def show_flash() -> None:
    kept = st.session_state.get(FLASH)
    if not kept:
        return
    message, until = kept
    if time.monotonic() > until:
        del st.session_state[FLASH]
        return
    st.success(message, icon=":material/check_circle:")


def engine_summary(info: dict) -> list[tuple[str, str]]:
    """(label, value) pairs of what the engine runs on, tolerant of missing keys."""
    redis_info = info.get("redis")
    if isinstance(redis_info, dict):
        mode = redis_info.get("mode") or "?"
        url = redis_info.get("url") or ""
    else:
        mode = info.get("redis_mode") or ("embedded" if info.get("embedded") else redis_info or "?")
        url = info.get("redis_url") or ""
    pairs = [
        ("Redis", f"{mode}" + (f" · {url}" if url else "")),
        ("Provider", str(info.get("provider") or "?")),
        ("Model", str(info.get("model") or "?")),
        ("Workers", str(info.get("workers") or info.get("max_workers") or "?")),
        ("Executor", str(info.get("executor") or "?")),
        ("Search", str(info.get("search_backend") or "?")),
    ]
    return pairs
