"""Safety limits for uploads and archives, read from settings() (see the README's table)."""
from __future__ import annotations

from dataclasses import dataclass

from batch_core.config import settings
from batch_core.ingest.errors import IngestError

MB = 1024 * 1024
# Below this many uncompressed bytes a high compression ratio is harmless (a page of
# repeated text), so the ratio check only applies to bigger members.
RATIO_FLOOR_BYTES = 1 * MB


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_members: int
    max_total_bytes: int
    max_ratio: float
    max_file_mb: float = 0.0   # as configured, for messages
    max_total_mb: float = 0.0

    @classmethod
    def current(cls) -> "Limits":
        s = settings()
        return cls(
            max_file_bytes=int(s.ingest_max_file_mb * MB),
            max_members=s.ingest_max_members,
            max_total_bytes=int(s.ingest_max_total_mb * MB),
            max_ratio=s.ingest_max_ratio,
            max_file_mb=s.ingest_max_file_mb,
            max_total_mb=s.ingest_max_total_mb,
        )


def megabytes(size: int) -> str:
    if size < MB // 10:
        return f"{-(-size // 1024)} KB"
    return f"{size / MB:.1f} MB"


def file_too_large(size: int, limits: Limits, uncompressed: bool = False) -> IngestError:
    what = "uncompressed " if uncompressed else ""
    return IngestError(f"file too large: {what}{megabytes(size)}; the limit is "
                       f"{limits.max_file_mb:g} MB per file (INGEST_MAX_FILE_MB)")


def archive_too_large(size: int, limits: Limits) -> IngestError:
    return IngestError(f"archive too large: {megabytes(size)}; the limit is "
                       f"{limits.max_total_mb:g} MB (INGEST_MAX_TOTAL_MB)")


def zip_bomb(ratio: float, limits: Limits) -> IngestError:
    return IngestError(f"refused as a likely zip bomb: it expands {ratio:,.0f} times its compressed size "
                       f"(the limit is {limits.max_ratio:g}, INGEST_MAX_COMPRESSION_RATIO)")


class TotalBudgetExceeded(IngestError):
    """Raised mid-archive: everything after this point is left unread."""


class TotalBudget:
    """Uncompressed bytes read so far from one upload's archives, against INGEST_MAX_TOTAL_MB."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.used = 0

    def consume(self, size: int) -> None:
        self.used += size
        if self.used > self.limits.max_total_bytes:
            raise TotalBudgetExceeded(
                f"stopped reading the archive: more than {self.limits.max_total_mb:g} MB "
                f"uncompressed in total (INGEST_MAX_TOTAL_MB); the remaining files were not read")
