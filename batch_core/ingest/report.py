"""What ingest hands back: parsed transcripts, per-file errors and ignored archive members."""
from __future__ import annotations

import math

from pydantic import BaseModel, Field

from batch_core.models import Tier, Turn
from batch_core.ingest.detect import IngestFormat


class ParsedFile(BaseModel):
    """One transcript read from a file or archive member."""
    name: str                      # display name; archive members as `archive.zip/folder/file.vtt`
    title: str
    meeting_date: str | None = None  # ISO YYYY-MM-DD when known
    format: IngestFormat
    speakers: list[str] = Field(default_factory=list)
    duration_seconds: float | None = None
    word_count: int = 0
    turns: list[Turn] = Field(default_factory=list)
    text: str                      # `[hh:mm:ss] Speaker: text` lines; parse_text reads it back
    encoding: str | None = None    # how the bytes were decoded (None for .docx)
    language: str | None = None    # when the file says it (speech-to-text JSON)
    source_tool: str | None = None  # which tool wrote it, when the shape says so ("WhisperX")
    warnings: list[str] = Field(default_factory=list)

    def as_meeting(self, tier: Tier | str) -> dict:
        """A MeetingIn-shaped dict for submit()."""
        return {"title": self.title, "tier": Tier(tier).value, "transcript": self.text,
                "meeting_date": self.meeting_date, "source_name": self.name}


class FileError(BaseModel):
    """A file or archive member that could not be read, and why, in plain words."""
    name: str
    reason: str


class IgnoredMember(BaseModel):
    """An archive member (or a folder entry) that is not a transcript by design."""
    name: str
    reason: str


class IngestReport(BaseModel):
    parsed: list[ParsedFile] = Field(default_factory=list)
    errors: list[FileError] = Field(default_factory=list)
    ignored: list[IgnoredMember] = Field(default_factory=list)

    def too_many(self, limit: int) -> str | None:
        """A message when the transcripts found exceed one batch's size, else None."""
        count = len(self.parsed)
        if count <= limit:
            return None
        return (f"{count} transcripts found; a batch holds at most {limit} — "
                f"submit them as {math.ceil(count / limit)} batches")

    def meetings(self, tier: Tier | str) -> list[dict]:
        return [parsed.as_meeting(tier) for parsed in self.parsed]

    def merge(self, other: "IngestReport") -> None:
        self.parsed.extend(other.parsed)
        self.errors.extend(other.errors)
        self.ignored.extend(other.ignored)
