"""AppTest helpers: open a page of the real dashboard against the session's real Redis, make data."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import batch_core as core

ROOT = Path(__file__).resolve().parents[2]
APP_TIMEOUT = 60  # first runs import pandas/altair/presidio on a shared 2-core machine

PLANTED_EMAIL = "kari.nordmann@example.com"
PLANTED_PHONE = "+47 912 34 567"


def transcript(topic: str, turns: int = 6) -> str:
    """A plausible 'Speaker: text' transcript, long enough to pass the minimum word count."""
    lines = []
    speakers = ["Alice Moreau", "Bob Tanaka", "Chen Li"]
    for n in range(turns):
        speaker = speakers[n % len(speakers)]
        lines.append(f"{speaker}: We discussed the {topic} plan in detail today. I think we should "
                     f"decide to ship the {topic} update next week. Bob will prepare the release "
                     f"notes by Friday. What about the budget for {topic}?")
    return "\n".join(lines)


def sensitive_transcript() -> str:
    return (transcript("payroll") + f"\nAlice Moreau: Send the contract to {PLANTED_EMAIL} or "
            f"call me on {PLANTED_PHONE} if anything is unclear.")


def meeting(title: str, tier: str = "ordinary", text: str | None = None) -> dict:
    return {"title": title, "tier": tier, "transcript": text or transcript(title.lower())}


def submit_and_wait(meetings: list[dict], policy: str = "skip", timeout: float = 120) -> dict:
    batch = core.submit(meetings, on_duplicate=policy)
    return core.wait(batch["batch_id"], timeout=timeout, poll=0.1)


def open_page(page: str | None = None, query: dict | None = None) -> AppTest:
    """Run dashboard.py (the multipage entry point), optionally switched to one of pages/."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=APP_TIMEOUT)
    if page:
        at.switch_page(page)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def texts(at: AppTest) -> str:
    """Every piece of visible text of the last run, for 'does the page say X' checks."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning",
                 "error", "success"):
        parts.extend(str(element.value) for element in getattr(at, kind))
    parts.extend(str(m.label) + " " + str(m.value) for m in at.metric)
    return "\n".join(parts)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


