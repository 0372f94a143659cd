"""Transcript files in: (filename, bytes) -> parsed transcripts or plain-word errors."""
from batch_core.ingest.text import parse_text

__all__ = ["parse_text"]
