"""The one exception the ingest parsers raise: a reason a person can read."""
from __future__ import annotations


class IngestError(ValueError):
    """A file cannot become a transcript. `reason` is shown as is, next to the file name."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
