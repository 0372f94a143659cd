"""Transcript files in: (filename, bytes) -> parsed transcripts or plain-word errors.

Entry points: load_files (uploads), load_paths (CLI: files, folders, zips) and parse_text
(text -> speaker turns, also used by the pipeline). See detect.py for how formats are chosen.
"""
from batch_core.ingest.detect import IngestFormat
from batch_core.ingest.errors import IngestError
from batch_core.ingest.loader import load_files, load_paths
from batch_core.ingest.report import FileError, IgnoredMember, IngestReport, ParsedFile
from batch_core.ingest.text import parse_text

__all__ = [
    "FileError", "IgnoredMember", "IngestError", "IngestFormat", "IngestReport", "ParsedFile",
    "load_files", "load_paths", "parse_text",
]
