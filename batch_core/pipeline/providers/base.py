"""What every provider receives and returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

from batch_core.models import Insights, Turn
from batch_core.pipeline.usage import UsageMeter


@dataclass(frozen=True)
class ExtractionRequest:
    """Already redacted for the sensitive tier: nothing here may contain raw PII.
    One request is one call: the whole transcript, or part `part` of `part_count`."""
    title: str
    turns: list[Turn]
    transcript: str
    speakers: list[str]
    meeting_date: str | None = None
    language: str | None = None  # ISO 639-1; insights are asked for in this language
    part: int = 1
    part_count: int = 1


@dataclass(frozen=True)
class Extraction:
    insights: Insights
    attempts: int  # provider calls made, retries included (1 for the local provider)
    retries: list[dict] = field(default_factory=list)  # each wait between attempts: reason, seconds
    coerced: list[str] = field(default_factory=list)   # what was repaired to read the answer


@dataclass(frozen=True)
class SummaryAnswer:
    summary: str
    attempts: int
    retries: list[dict] = field(default_factory=list)


class Provider(Protocol):
    name: str
    model: str
    chunked: bool  # True: calls have a context window, long transcripts go in parts

    def extract(self, request: ExtractionRequest, meter: UsageMeter | None = None) -> Extraction: ...

    def summarise(self, title: str, summaries: Sequence[str], language: str | None,
                  meter: UsageMeter | None = None) -> SummaryAnswer: ...
