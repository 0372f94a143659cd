"""The ingest entry points: uploaded (name, bytes) pairs, or paths on disk for the CLI."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable

from batch_core.ingest.archive import Member, iter_archive
from batch_core.ingest.detect import SUPPORTED, IngestFormat, extension_of, hinted_format, sniff_container
from batch_core.ingest.errors import IngestError
from batch_core.ingest.files import parse_file
from batch_core.ingest.docx_format import inflated_size
from batch_core.ingest.limits import (Limits, TotalBudget, TotalBudgetExceeded, archive_too_large,
                                   file_too_large)
from batch_core.ingest.names import UNNAMED, is_junk, strip_controls
from batch_core.ingest.report import FileError, IgnoredMember, IngestReport

log = logging.getLogger(__name__)

UNSAFE_PATH = ("its path inside the archive was unsafe (absolute, `..` or control characters) "
               "and is shown cleaned; nothing was written to disk")


def _unsupported(name: str) -> str:
    return f"unsupported file type {extension_of(name)} (supported: {SUPPORTED})"


Progress = Callable[[int, str], None]  # (transcripts and errors so far, the name just read)


def _add_file(report: IngestReport, name: str, leaf: str, data: bytes, limits: Limits,
              budget: TotalBudget, progress: Progress | None = None) -> None:
    hint = hinted_format(leaf)
    container = sniff_container(data)
    if hint is None and container is None:
        report.errors.append(FileError(name=name, reason=_unsupported(leaf)))
        return
    # A .docx that is some other ZIP is a broken Word file, not an archive to open.
    if hint is IngestFormat.ZIP or (container is IngestFormat.ZIP and hint is not IngestFormat.DOCX):
        if len(data) > limits.max_total_bytes:
            report.errors.append(FileError(name=name, reason=archive_too_large(len(data), limits).reason))
            return
        _add_archive(report, name, data, limits, budget, progress)
        return
    if container is IngestFormat.DOCX:
        try:  # what a Word file inflates to counts against the upload's total, like an archive's
            budget.consume(inflated_size(data))
        except TotalBudgetExceeded as exc:
            report.errors.append(FileError(name=name, reason=exc.reason))
            return
    _add_parsed(report, name, leaf, data, limits, progress)


def _add_archive(report: IngestReport, name: str, data: bytes, limits: Limits, budget: TotalBudget,
                 progress: Progress | None = None) -> None:
    try:
        for outcome in iter_archive(name, data, limits, budget):
            if isinstance(outcome, Member):
                _add_parsed(report, outcome.name, outcome.leaf, outcome.data, limits, progress)
                if outcome.renamed and report.parsed and report.parsed[-1].name == outcome.name:
                    report.parsed[-1].warnings.append(UNSAFE_PATH)
            elif isinstance(outcome, FileError):
                report.errors.append(outcome)
            else:
                report.ignored.append(outcome)
    except Exception as exc:  # zipfile surprises end this archive only; what was read is kept
        log.exception("unexpected error while reading archive %r", name)
        report.errors.append(FileError(name=name, reason=f"archive could not be read to the end "
                                                         f"({type(exc).__name__}: {exc})"))


def _add_parsed(report: IngestReport, name: str, leaf: str, data: bytes, limits: Limits,
                progress: Progress | None = None) -> None:
    try:
        report.parsed.append(parse_file(name, leaf, data, hinted_format(leaf) or IngestFormat.TEXT, limits))
    except IngestError as exc:
        report.errors.append(FileError(name=name, reason=exc.reason))
    except Exception as exc:  # a parser library's surprise must not sink the other files
        log.exception("unexpected error while parsing %r", name)
        report.errors.append(FileError(name=name, reason=f"could not be parsed ({type(exc).__name__}: {exc})"))
    if progress is not None:
        progress(len(report.parsed) + len(report.errors), name)


def load_files(files: Iterable[tuple[str, bytes]], progress: Progress | None = None) -> IngestReport:
    """Parse uploaded files. One bad file or member never stops the others. `progress` is told
    after each transcript (or member) read, so a page can show a big upload moving.

    Names are display text: a `/` or `<script>` in an uploaded name is kept literally.
    """
    limits = Limits.current()
    budget = TotalBudget(limits)
    report = IngestReport()
    for raw_name, data in files:
        name = strip_controls(str(raw_name)).strip() or UNNAMED
        if is_junk(name):  # `._meeting.vtt`, `.DS_Store` picked up with a folder
            report.ignored.append(IgnoredMember(name=name, reason="hidden file"))
            continue
        content = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        _add_file(report, name, name, content, limits, budget, progress)
    return report


def _walk(folder: str, report: IngestReport) -> list[str]:
    """Supported files under `folder`, sorted; junk and unsupported files listed as ignored."""
    found = []
    for root, dirs, files in os.walk(folder, onerror=lambda exc: report.errors.append(
            FileError(name=exc.filename or folder, reason=f"cannot be read: {exc.strerror}"))):
        dirs.sort()
        for entry in sorted(files):
            path = os.path.join(root, entry)
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            if is_junk(relative):
                continue  # dotfiles and __MACOSX beside transcripts are noise, not news
            if hinted_format(entry) is None:
                report.ignored.append(IgnoredMember(name=path, reason=_unsupported(entry)))
            else:
                found.append(path)
    return found


def load_paths(paths: Iterable[str]) -> IngestReport:
    """Parse files, folders (walked) and zips on disk for the CLI; unreadable paths are errors."""
    limits = Limits.current()
    budget = TotalBudget(limits)
    report = IngestReport()
    for path in paths:
        path = str(path)
        targets = _walk(path, report) if os.path.isdir(path) else [path]
        for target in targets:
            _add_path(report, target, limits, budget)
    return report


def _add_path(report: IngestReport, path: str, limits: Limits, budget: TotalBudget) -> None:
    leaf = os.path.basename(path)
    try:
        size = os.path.getsize(path)
        cap = limits.max_total_bytes if hinted_format(leaf) is IngestFormat.ZIP else limits.max_file_bytes
        if size > cap:  # refused before reading a byte
            error = archive_too_large(size, limits) if cap == limits.max_total_bytes else file_too_large(size, limits)
            report.errors.append(FileError(name=path, reason=error.reason))
            return
        with open(path, "rb") as handle:
            data = handle.read(cap + 1)
    except FileNotFoundError:
        report.errors.append(FileError(name=path, reason="no such file or folder"))
        return
    except OSError as exc:
        report.errors.append(FileError(name=path, reason=f"cannot be read: {exc.strerror or exc}"))
        return
    _add_file(report, path, leaf, data, limits, budget)
