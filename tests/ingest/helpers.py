"""Helpers for the ingest tests: fixture files and in-memory zips."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def make_zip(members: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 2, 18, 10, 0, 0)),
                             content, compress_type=compression)
    return buffer.getvalue()


GOOD_TEXT = "Alice: Let's start with the budget.\nBob: Fine by me, it's on track.\n"
