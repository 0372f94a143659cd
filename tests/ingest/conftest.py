"""Ingest test fixture: set the INGEST_* limits for one test."""
from __future__ import annotations

import pytest

from batch_core.config import reload_settings


@pytest.fixture
def ingest_limits(monkeypatch):
    """Set INGEST_* variables for one test: ingest_limits(INGEST_MAX_TOTAL_MB="1")."""
    def apply(**env: str) -> None:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        reload_settings()
    yield apply
    monkeypatch.undo()
    reload_settings()
