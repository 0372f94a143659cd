"""Ingest speed per format (seconds per MB) and memory while refusing a 1 GiB zip bomb.

Run: .venv/bin/python bench/bench_ingest.py [--mb 4]
Numbers are wall-clock on a shared 2-core machine: expect noise of ±30 %.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import docx  # noqa: E402

from batch_core.ingest import load_files  # noqa: E402

NAMES = ["Alice Smith", "Bob Jones", "Carol Nguyen", "Dana Lee"]
SENTENCE = "we should ship the quarterly report by Friday and review the budget together"


def _clock(seconds: int, sep: str = ".") -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}{sep}000"


def _repeat(make_block, target: int) -> str:
    parts, size, i = [], 0, 0
    while size < target:
        block = make_block(i)
        parts.append(block)
        size += len(block)
        i += 1
    return "".join(parts)


def teams_vtt(target: int) -> bytes:
    body = _repeat(lambda i: (f"6a1b2c3d-0000-4000-8000-00000000{i % 9999:04d}/{i}-0\n"
                              f"{_clock(i)} --> {_clock(i + 1)}\n<v {NAMES[i % 4]}>{SENTENCE} "
                              f"&amp; <c>more</c>\nsecond line {i}</v>\n\n"), target)
    return ("WEBVTT\n\n" + body).encode()


def srt_file(target: int) -> bytes:
    return _repeat(lambda i: f"{i + 1}\n{_clock(i, ',')} --> {_clock(i + 1, ',')}\n"
                             f"{NAMES[i % 4]}: {SENTENCE}\n\n", target).encode()


def timed_text(target: int) -> bytes:
    return _repeat(lambda i: f"[{_clock(i)[:8]}] {NAMES[i % 4]}: {SENTENCE}\n", target).encode()


def otter_text(target: int) -> bytes:
    return _repeat(lambda i: f"{NAMES[i % 4]}  {_clock(i)[:8]}\n{SENTENCE}\n\n", target).encode()


def plain_captions(target: int) -> bytes:
    """No speakers: every cue merges into one turn (the case that must not be quadratic)."""
    body = _repeat(lambda i: f"{_clock(i)} --> {_clock(i + 1)}\n{SENTENCE}\n\n", target)
    return ("WEBVTT\n\n" + body).encode()


def cp1252_text(target: int) -> bytes:
    return _repeat(lambda i: f"{NAMES[i % 4]}: café déjà vu – “{SENTENCE}”\n", target).encode("cp1252")


def markdown(target: int) -> bytes:
    return ("---\ntitle: Bench\ndate: 2025-02-18\n---\n# Notes\n\n"
            + _repeat(lambda i: f"**{NAMES[i % 4]}:** {SENTENCE}\n", target)).encode()


def prose(target: int) -> bytes:
    return _repeat(lambda i: f"{SENTENCE.capitalize()}. " + ("\n\n" if i % 7 == 0 else ""), target).encode()


def teams_docx(target: int) -> bytes:
    """Smaller than the others: python-docx itself takes minutes to *write* large documents."""
    document = docx.Document()
    document.add_paragraph("Bench meeting")
    for i in range(min(target, 1024 * 1024) // 100):
        document.add_paragraph(f"{NAMES[i % 4]}   {_clock(i)[:8]}")
        document.add_paragraph(SENTENCE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_of_texts(target: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(20):
            archive.writestr(f"meeting_{n:02d}.txt", timed_text(target // 20))
    return buffer.getvalue()


def whisperx_json(target: int) -> bytes:
    segments, size, i = [], 0, 0
    while size < target:
        segment = {"start": i, "end": i + 1, "text": f" {SENTENCE}", "speaker": f"SPEAKER_{i % 4:02d}"}
        segments.append(segment)
        size += len(json.dumps(segment))
        i += 1
    return json.dumps({"segments": segments, "language": "en"}).encode()


def assemblyai_json(target: int) -> bytes:
    rows, size, i = [], 0, 0
    while size < target:
        row = {"speaker": "ABCD"[i % 4], "text": SENTENCE, "start": i * 1000, "end": i * 1000 + 900}
        rows.append(row)
        size += len(json.dumps(row))
        i += 1
    return json.dumps({"utterances": rows}).encode()


def sbv_file(target: int) -> bytes:
    return _repeat(lambda i: f"{_clock(i)[1:]},{_clock(i + 1)[1:]}\n{NAMES[i % 4]}: {SENTENCE}\n\n", target).encode()


def pdf_file(target: int) -> bytes:
    """One page of text lines per ~3 KB (pypdf's text extraction is the slow part)."""
    from tests.ingest.pdf_builder import text_pdf
    lines = [f"{NAMES[i % 4]}: {SENTENCE}" for i in range(max(1, min(target, 256 * 1024) // 60))]
    return text_pdf(lines)


def bench_formats(megabytes: float) -> None:
    target = int(megabytes * 1024 * 1024)
    print("s per MB = seconds per MB of transcript text produced (uncompressed), best of 2 runs")
    print(f"{'format':<16}{'input MB':>10}{'text MB':>9}{'seconds':>9}{'s per MB':>10}{'turns':>9}")
    for label, make, name in [
        ("teams vtt", teams_vtt, "t.vtt"), ("captions vtt", plain_captions, "c.vtt"), ("srt", srt_file, "s.srt"),
        ("timed txt", timed_text, "t.txt"),
        ("otter txt", otter_text, "o.txt"), ("cp1252 txt", cp1252_text, "c.txt"), ("markdown", markdown, "m.md"),
        ("prose txt", prose, "p.txt"), ("docx", teams_docx, "d.docx"), ("zip of 20 txt", zip_of_texts, "z.zip"),
        ("whisperx json", whisperx_json, "w.json"), ("assemblyai json", assemblyai_json, "a.json"),
        ("youtube sbv", sbv_file, "y.sbv"), ("pdf (1 page)", pdf_file, "p.pdf"),
    ]:
        data = make(target)
        best = None
        for _ in range(2):
            started = time.perf_counter()
            report = load_files([(name, data)])
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        assert not report.errors, report.errors
        text_mb = sum(len(p.text) for p in report.parsed) / 1024 / 1024
        turns = sum(len(p.turns) for p in report.parsed)
        mb = len(data) / 1024 / 1024
        print(f"{label:<16}{mb:>10.2f}{text_mb:>9.2f}{best:>9.3f}{best / text_mb:>10.3f}{turns:>9}")


def _bomb(members: int, member_bytes: int) -> bytes:
    """Zeros, written in 1 MiB chunks to a temporary file: the bomb is never whole in memory."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bomb.zip"
        chunk = bytes(1024 * 1024)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for index in range(members):
                with archive.open(f"zeros_{index:03d}.txt", "w", force_zip64=True) as member:
                    left = member_bytes
                    while left > 0:
                        member.write(chunk[:left])
                        left -= len(chunk)
        return path.read_bytes()


def _refuse(label: str, data: bytes, declared_mb: float) -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    load_files([("bomb.zip", data)])
    elapsed = time.perf_counter() - started  # timed without tracemalloc, which slows allocation
    tracemalloc.start()
    report = load_files([("bomb.zip", data)])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\n{label}: {len(data) / 1024 / 1024:.2f} MB compressed, {declared_mb:.0f} MB uncompressed")
    print(f"  outcome: {report.errors[-1].name}: {report.errors[-1].reason}")
    print(f"  refused in {elapsed * 1000:.1f} ms; tracemalloc peak {peak / 1024 / 1024:.2f} MB; "
          f"max RSS grew by {(rss_after - rss_before) / 1024:.1f} MB")


def bench_zip_bombs() -> None:
    _refuse("zip bomb, one 1 GiB member (refused from its header)", _bomb(1, 1024 ** 3), 1024)
    # Members just under the 1 MB ratio floor: only the streaming total cap stops these.
    _refuse("zip bomb, 190 members of 0.99 MB (stopped by the streaming total cap)",
            _bomb(190, 1_038_000), 190 * 1_038_000 / 1024 / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=4.0, help="input size per format (default 4)")
    args = parser.parse_args()
    os.environ.setdefault("INGEST_MAX_FILE_MB", "10")
    bench_formats(args.mb)
    bench_zip_bombs()


if __name__ == "__main__":
    main()
