"""ZIP archives, read in memory only: member bytes are streamed with size, total and ratio caps.

Nothing is ever extracted to disk; member names are only sanitised for display. One level of
nesting is expanded (a zip inside the upload's zip); deeper archives are listed as ignored.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from batch_core.ingest.detect import IngestFormat, extension_of, hinted_format
from batch_core.ingest.errors import IngestError
from batch_core.ingest.limits import (RATIO_FLOOR_BYTES, Limits, TotalBudget, TotalBudgetExceeded,
                                      file_too_large, zip_bomb)
from batch_core.ingest.names import is_junk, leaf, sanitise_member_name
from batch_core.ingest.report import FileError, IgnoredMember

CHUNK = 64 * 1024
MAX_DEPTH = 1
NOT_ZIP = "not a readable ZIP archive (corrupt or truncated)"


@dataclass
class Member:
    """A member's bytes, ready to parse: `name` for display, `leaf` for the title."""
    name: str
    leaf: str
    data: bytes
    renamed: bool = False  # the stored path was unsafe (absolute, `..`, control characters)


Outcome = Member | FileError | IgnoredMember


def _declared_entries(data: bytes) -> int | None:
    """Entry count from the end-of-central-directory record, read before the listing is built.

    zipfile builds one object per entry when it opens an archive; a huge listing is refused first.
    """
    try:
        record = zipfile._EndRecData(io.BytesIO(data))  # type: ignore[attr-defined]  # stable since Python 2
    except (OSError, ValueError, AttributeError):
        return None
    return record[zipfile._ECD_ENTRIES_TOTAL] if record else None  # type: ignore[attr-defined]


def _too_many(count: int, limits: Limits) -> str:
    return (f"archive holds {count} files; the limit is {limits.max_members} per archive "
            f"(INGEST_MAX_MEMBERS)")


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits,
                budget: TotalBudget) -> bytes:
    """The member's bytes, refusing bombs from its header and again while streaming."""
    compressed = max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and info.file_size > limits.max_ratio * compressed:
        raise zip_bomb(info.file_size / compressed, limits)
    if info.file_size > limits.max_file_bytes:
        raise file_too_large(info.file_size, limits, uncompressed=True)
    out = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            out += chunk
            budget.consume(len(chunk))
            # Headers can lie; the bytes actually produced cannot.
            if len(out) > RATIO_FLOOR_BYTES and len(out) > limits.max_ratio * compressed:
                raise zip_bomb(len(out) / compressed, limits)
            if len(out) > limits.max_file_bytes:
                raise file_too_large(len(out), limits, uncompressed=True)
    return bytes(out)


def _skip_reason(path: str, depth: int) -> str | None:
    if is_junk(path):
        return "macOS metadata" if path.split("/")[0] == "__MACOSX" else "hidden file"
    ext = extension_of(path)
    if not ext:
        return "no file extension"
    fmt = hinted_format(path)
    if fmt is None:
        return f"unsupported file type {ext}"
    if fmt is IngestFormat.ZIP and depth >= MAX_DEPTH:
        return "archive nested more than one level deep (not opened)"
    return None


def iter_archive(name: str, data: bytes, limits: Limits, budget: TotalBudget,
                 depth: int = 0) -> Iterator[Outcome]:
    """Every member as a Member to parse, a FileError or an IgnoredMember, in archive order."""
    declared = _declared_entries(data)
    # The record also counts folders, so only a count far over the cap is refused this early.
    if declared is not None and declared > 2 * limits.max_members:
        yield FileError(name=name, reason=_too_many(declared, limits).replace("files", "entries", 1))
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        yield FileError(name=name, reason=NOT_ZIP)
        return
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.max_members:
            yield FileError(name=name, reason=_too_many(len(infos), limits))
            return
        if any(info.flag_bits & 0x1 for info in infos):
            yield FileError(name=name, reason="archive is password-protected; encrypted archives are not supported")
            return
        if not infos:
            yield FileError(name=name, reason="archive is empty")
            return
        for info in infos:
            path = sanitise_member_name(info.filename)
            display = f"{name}/{path}"
            if (reason := _skip_reason(path, depth)):
                yield IgnoredMember(name=display, reason=reason)
                continue
            try:
                content = read_member(archive, info, limits, budget)
            except TotalBudgetExceeded as exc:
                yield FileError(name=name, reason=exc.reason)
                return
            except IngestError as exc:
                yield FileError(name=display, reason=exc.reason)
                continue
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
                detail = str(exc) or type(exc).__name__
                yield FileError(name=display, reason=f"could not be decompressed (corrupt archive member: {detail})")
                continue
            if hinted_format(path) is IngestFormat.ZIP:
                yield from iter_archive(display, content, limits, budget, depth + 1)
            else:
                yield Member(name=display, leaf=leaf(path), data=content,
                             renamed=path != info.filename.replace("\\", "/"))
