"""What every provider receives and returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from batch_core.models import Insights, Turn


@dataclass(frozen=True)
class ExtractionRequest:
    """Already redacted for the sensitive tier: nothing here may contain raw PII."""
    title: str
    turns: list[Turn]
    transcript: str
    speakers: list[str]
    meeting_date: str | None = None


@dataclass(frozen=True)
class Extraction:
    insights: Insights
    attempts: int  # provider calls made, retries included (1 for the local provider)
    retries: list[dict] = field(default_factory=list)  # each wait between attempts: reason, seconds


class Provider(Protocol):
    name: str
    model: str

    def extract(self, request: ExtractionRequest) -> Extraction: ...
