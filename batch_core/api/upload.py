"""Turn a multipart upload into meetings: read files within the caps, parse them, apply titles.

Parsing is the ingest package's job (load_files); this module only adapts HTTP uploads to it and
keeps one bad file from sinking the others.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

from fastapi import HTTPException, UploadFile

from batch_core.config import settings
from batch_core.models import MeetingIn, Tier

MB = 1024 * 1024


@dataclass
class PreparedUpload:
    meetings: list[MeetingIn] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)


@dataclass
class ReadFiles:
    contents: list[tuple[str, bytes]] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


def read_uploads(uploads: list[UploadFile]) -> ReadFiles:
    """Bytes of every file within INGEST_MAX_FILE_MB; the others are reported, not read."""
    s = settings()
    if len(uploads) > s.ingest_max_members:
        raise HTTPException(
            400, f"At most {s.ingest_max_members} files per upload (INGEST_MAX_MEMBERS); "
                 f"got {len(uploads)}."
        )
    per_file_limit = int(s.ingest_max_file_mb * MB)
    read = ReadFiles()
    for position, upload in enumerate(uploads, start=1):
        name = _file_name(upload)
        if not name:
            read.errors.append({"name": f"file #{position}", "reason": "The upload has no file name."})
            continue
        size = upload.size
        if size is not None and size > per_file_limit:
            read.errors.append({"name": name, "reason": _too_big(size, s.ingest_max_file_mb)})
            continue
        data = upload.file.read(per_file_limit + 1)
        if len(data) > per_file_limit:
            read.errors.append({"name": name, "reason": _too_big(len(data), s.ingest_max_file_mb)})
            continue
        read.contents.append((name, data))
    return read


def _file_name(upload: UploadFile) -> str:
    """The upload's file name without any folder part (Windows or POSIX)."""
    return PurePath((upload.filename or "").replace("\\", "/")).name


def _too_big(size: int, limit_mb: float) -> str:
    return (f"The file is larger than the {limit_mb:g} MB limit per file "
            f"(INGEST_MAX_FILE_MB); it is at least {size / MB:.1f} MB.")


def titles_by_name(uploads: list[UploadFile], titles: list[str] | None) -> dict[str, str]:
    """Titles are given in the order of the files; an empty one keeps the parsed title."""
    if not titles:
        return {}
    if len(titles) != len(uploads):
        raise HTTPException(
            422, f"titles: give one title per file, in the same order ({len(uploads)} files, "
                 f"{len(titles)} titles); leave a title empty to keep the one read from the file."
        )
    mapping = {}
    for upload, title in zip(uploads, titles):
        title = " ".join(title.split())
        name = _file_name(upload)
        if title and name.lower().endswith(".zip"):
            raise HTTPException(
                422, f"titles: '{name}' is an archive; its meetings take their titles from the "
                     "files inside it, so leave its title empty."
            )
        if title:
            mapping[name] = title
    return mapping


def fingerprint_parts(contents: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    return [(name, hashlib.sha256(data).hexdigest()) for name, data in contents]


def prepare(read: ReadFiles, tier: Tier, titles: dict[str, str]) -> PreparedUpload:
    from batch_core.ingest import load_files  # format parsers (docx, webvtt) load on first upload

    prepared = PreparedUpload(errors=list(read.errors))
    if not read.contents:
        return prepared
    report = load_files(read.contents)
    prepared.errors += [{"name": e.name, "reason": e.reason} for e in report.errors]
    prepared.ignored = [member.model_dump() for member in report.ignored]
    for parsed in report.parsed:
        title = titles.get(parsed.name) or parsed.title
        prepared.meetings.append(MeetingIn.model_validate(
            {**parsed.as_meeting(tier), "title": title or parsed.name}))
        prepared.files.append({
            "name": parsed.name, "title": title or parsed.name, "format": parsed.format,
            "word_count": parsed.word_count, "speakers": list(parsed.speakers or []),
        })
    if tier is Tier.SENSITIVE:
        _redact_answer(prepared)
    return prepared


def _redact_answer(prepared: PreparedUpload) -> None:
    """The answer of a sensitive upload (also cached for Idempotency-Key replays) names no one:
    titles and file names redacted as they will be stored, speakers as SPEAKER_n."""
    from batch_core.pipeline.pii.redactor import redact_labels  # word lists load on first use

    for entry, meeting in zip(prepared.files, prepared.meetings):
        entry["title"], entry["name"] = redact_labels(entry["title"], entry["name"],
                                                      meeting.transcript)
        entry["speakers"] = [f"SPEAKER_{i}" for i, _ in enumerate(entry["speakers"], start=1)]
    for entry in prepared.errors + prepared.ignored:
        if entry.get("name"):
            entry["name"] = redact_labels("", entry["name"], "")[1]
