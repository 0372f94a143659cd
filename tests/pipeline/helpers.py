"""Small builders shared by the pipeline tests."""
from __future__ import annotations

from pathlib import Path

from batch_core.models import MeetingIn, MeetingRecord, Stage
from batch_core.pipeline import run_pipeline

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

SHORT_MEETING = (
    "[00:00:01] Ann Lee: Let's review the release plan and the budget for the quarter.\n"
    "[00:00:09] Bob Stone: I'll send the updated budget by Friday, it needs one more pass.\n"
    "[00:00:20] Ann Lee: Great. We agreed to ship the release on the 14th after the security review.\n"
    "[00:00:31] Bob Stone: Sounds good. Who owns the pricing page update after the launch?\n"
)


def meeting(transcript: str = SHORT_MEETING, tier: str = "ordinary", title: str = "Release review") -> MeetingIn:
    return MeetingIn(title=title, tier=tier, transcript=transcript)


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def run(m: MeetingIn, stages: list[Stage] | None = None) -> MeetingRecord:
    return run_pipeline(m, "meeting_test0000", "batch_test", (stages if stages is not None else []).append)


def extract_entry(record: MeetingRecord):
    return next(entry for entry in record.audit if entry.step == "extract")
