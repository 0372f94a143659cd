"""Hostile and ordinary ZIP archives: bombs, traversal names, nesting, junk, caps, damage."""
from __future__ import annotations

import io
import os
import random
import struct
import tracemalloc
import zipfile

import pytest

from batch_core.ingest import load_files
from batch_core.ingest.loader import UNSAFE_PATH
from tests.ingest.helpers import GOOD_TEXT, fixture_bytes, make_zip

GOOD = ("good.txt", GOOD_TEXT.encode())
GIB = 1024 ** 3


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> bytes:
    """1 GiB of zeros deflated to ~1 MB, written in 1 MiB chunks so the test stays small."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("minutes/zeros.txt", "w", force_zip64=True) as member:
            for _ in range(GIB // len(chunk)):
                member.write(chunk)
        archive.writestr("minutes/retro.txt", fixture_bytes("retro_notes.txt"))
    return path.read_bytes()


def test_zip_bomb_refused_in_bounded_memory(zip_bomb):
    assert len(zip_bomb) < 5 * 1024 * 1024
    tracemalloc.start()
    try:
        report = load_files([("bomb.zip", zip_bomb), GOOD])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024  # nothing close to the 1 GiB was inflated
    assert [e.name for e in report.errors] == ["bomb.zip/minutes/zeros.txt"]
    reason = report.errors[0].reason
    assert reason.startswith("refused as a likely zip bomb: it expands ") and "INGEST_MAX_COMPRESSION_RATIO" in reason
    assert [p.name for p in report.parsed] == ["bomb.zip/minutes/retro.txt", "good.txt"]


def _patch_uncompressed_size(data: bytes, new_size: int) -> bytes:
    """Make the headers claim a different uncompressed size (a lying archive)."""
    raw = bytearray(data)
    struct.pack_into("<I", raw, 22, new_size)  # first local header
    central = raw.index(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, new_size)
    return bytes(raw)


def test_header_that_understates_size_is_caught_while_streaming():
    honest = make_zip({"zeros.txt": bytes(5 * 1024 * 1024)})
    lying = _patch_uncompressed_size(honest, 1000)
    report = load_files([("liar.zip", lying), GOOD])
    assert [e.name for e in report.errors] == ["liar.zip/zeros.txt"]
    assert report.errors[0].reason.startswith("could not be decompressed (corrupt archive member:")
    assert [p.name for p in report.parsed] == ["good.txt"]


def test_total_uncompressed_cap_is_counted_while_streaming(ingest_limits):
    ingest_limits(INGEST_MAX_TOTAL_MB="1")
    rng = random.Random(3)
    # ~400 KB each of low-redundancy text: each member is fine, three together are over 1 MB.
    members = {f"m{i}.txt": "Alice: " + rng.randbytes(200_000).hex() for i in range(3)}
    report = load_files([("many.zip", make_zip(members)), GOOD])
    assert [p.name for p in report.parsed] == ["many.zip/m0.txt", "many.zip/m1.txt", "good.txt"]
    assert [(e.name, e.reason) for e in report.errors] == [(
        "many.zip", "stopped reading the archive: more than 1 MB uncompressed in total "
                    "(INGEST_MAX_TOTAL_MB); the remaining files were not read")]


def test_member_over_the_file_cap(ingest_limits):
    ingest_limits(INGEST_MAX_FILE_MB="0.5")
    big = "Alice: " + random.Random(4).randbytes(300_000).hex()
    report = load_files([("big.zip", make_zip({"big.txt": big, "ok.txt": GOOD_TEXT}))])
    assert [(e.name, e.reason) for e in report.errors] == [
        ("big.zip/big.txt", "file too large: uncompressed 0.6 MB; the limit is 0.5 MB per file (INGEST_MAX_FILE_MB)")]
    assert [p.name for p in report.parsed] == ["big.zip/ok.txt"]


def test_member_count_cap_counts_files_not_folders(ingest_limits):
    ingest_limits(INGEST_MAX_MEMBERS="5")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(5):
            archive.mkdir(f"folder{i}")
            archive.writestr(f"folder{i}/t.txt", GOOD_TEXT)
    report = load_files([("tidy.zip", buffer.getvalue())])
    assert len(report.parsed) == 5 and report.errors == [] and report.parsed[0].warnings == []


def test_huge_listing_is_refused_from_the_end_record(ingest_limits):
    ingest_limits(INGEST_MAX_MEMBERS="5")
    data = make_zip({f"t{i}.txt": "" for i in range(11)})
    report = load_files([("listing.zip", data)])
    assert [(e.name, e.reason) for e in report.errors] == [
        ("listing.zip", "archive holds 11 entries; the limit is 5 per archive (INGEST_MAX_MEMBERS)")]


def test_member_count_cap(ingest_limits):
    ingest_limits(INGEST_MAX_MEMBERS="5")
    data = make_zip({f"t{i}.txt": GOOD_TEXT for i in range(6)})
    report = load_files([("six.zip", data), GOOD])
    assert [(e.name, e.reason) for e in report.errors] == [
        ("six.zip", "archive holds 6 files; the limit is 5 per archive (INGEST_MAX_MEMBERS)")]
    assert [p.name for p in report.parsed] == ["good.txt"]


def test_traversal_and_absolute_names_are_sanitised_and_never_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = make_zip({
        "../../outside.txt": GOOD_TEXT,
        "/etc/cron.d/2025-02-18_job.txt": GOOD_TEXT,
        "C:\\Windows\\notes.txt": GOOD_TEXT,
        "a/./../b/..\\..\\deep.txt": GOOD_TEXT,
    })
    report = load_files([("evil.zip", data)])
    assert [(p.name, p.title, p.meeting_date) for p in report.parsed] == [
        ("evil.zip/outside.txt", "outside", None),
        ("evil.zip/etc/cron.d/2025-02-18_job.txt", "job", "2025-02-18"),
        ("evil.zip/Windows/notes.txt", "notes", None),
        ("evil.zip/a/b/deep.txt", "deep", None),
    ]
    assert [p.warnings for p in report.parsed] == [
        [UNSAFE_PATH], [UNSAFE_PATH], [UNSAFE_PATH], [UNSAFE_PATH]]
    assert report.errors == [] and list(tmp_path.iterdir()) == []
    assert not os.path.exists(tmp_path.parent / "outside.txt")


def test_nested_zip_with_macosx_junk():
    deeper = make_zip({"too-deep.txt": GOOD_TEXT})
    inner = make_zip({
        "inner/standup.vtt": fixture_bytes("2025-02-18_Q3-planning-review.vtt"),
        "__MACOSX/inner/._standup.vtt": b"\x00\x05\x16\x07junk",
        "inner/.DS_Store": b"\x00\x00\x00\x01Bud1",
        "inner/deeper.zip": deeper,
    })
    outer = make_zip({
        "exports/inner.zip": inner,
        "__MACOSX/exports/._inner.zip": b"\x00\x05\x16\x07junk",
        "exports/retro.txt": fixture_bytes("retro_notes.txt"),
        "exports/photo.png": b"\x89PNG\r\n\x1a\n",
        "exports/README": b"read me",
    })
    report = load_files([("outer.zip", outer), GOOD])
    assert [p.name for p in report.parsed] == [
        "outer.zip/exports/inner.zip/inner/standup.vtt", "outer.zip/exports/retro.txt", "good.txt"]
    assert report.parsed[0].speakers == ["Alice Smith", "Bob Jones", "Carol Nguyen"]
    assert [(i.name, i.reason) for i in report.ignored] == [
        ("outer.zip/exports/inner.zip/__MACOSX/inner/._standup.vtt", "macOS metadata"),
        ("outer.zip/exports/inner.zip/inner/.DS_Store", "hidden file"),
        ("outer.zip/exports/inner.zip/inner/deeper.zip", "archive nested more than one level deep (not opened)"),
        ("outer.zip/__MACOSX/exports/._inner.zip", "macOS metadata"),
        ("outer.zip/exports/photo.png", "unsupported file type .png"),
        ("outer.zip/exports/README", "no file extension"),
    ]
    assert report.errors == []


def test_sixty_transcripts_parse_and_report_the_batch_limit():
    members = {f"meetings/2025-02-{(i % 28) + 1:02d}_sync-{i:02d}.txt": GOOD_TEXT for i in range(60)}
    report = load_files([("quarter.zip", make_zip(members))])
    assert len(report.parsed) == 60 and report.errors == []
    assert report.parsed[59].title == "sync 59" and report.parsed[59].meeting_date == "2025-02-04"
    assert report.too_many(50) == "60 transcripts found; a batch holds at most 50 — submit them as 2 batches"
    assert report.too_many(60) is None


def test_sixty_transcripts_are_refused_whole_at_submit(redis_url):
    import batch_core

    members = {f"sync-{i:02d}.txt": GOOD_TEXT * 12 for i in range(60)}
    report = load_files([("quarter.zip", make_zip(members))])
    with pytest.raises(batch_core.BatchError, match="50"):
        batch_core.submit(report.meetings("ordinary"))
    assert batch_core.list_batches() == []


def _set_encrypted_flag(data: bytes) -> bytes:
    raw = bytearray(data)
    raw[6] |= 0x1
    central = raw.index(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    return bytes(raw)


def test_encrypted_archive():
    data = _set_encrypted_flag(make_zip({"secret.txt": GOOD_TEXT}))
    report = load_files([("secret.zip", data), GOOD])
    assert [(e.name, e.reason) for e in report.errors] == [
        ("secret.zip", "archive is password-protected; encrypted archives are not supported")]
    assert [p.name for p in report.parsed] == ["good.txt"]


def test_truncated_archive():
    data = make_zip({"a.txt": GOOD_TEXT, "b.txt": GOOD_TEXT})
    report = load_files([("cut.zip", data[: len(data) // 2]), GOOD])
    assert [(e.name, e.reason) for e in report.errors] == [
        ("cut.zip", "not a readable ZIP archive (corrupt or truncated)")]
    assert [p.name for p in report.parsed] == ["good.txt"]


def test_corrupt_member_data_spares_the_other_members():
    text = ("Alice: " + "the quarterly numbers look fine " * 40 + "\nBob: agreed\n").encode()
    data = bytearray(make_zip({"bad.txt": text, "fine.txt": GOOD_TEXT}))
    start = 30 + len("bad.txt")
    data[start + 5: start + 25] = b"\xff" * 20  # scramble the deflate stream of the first member
    report = load_files([("damaged.zip", bytes(data))])
    assert [e.name for e in report.errors] == ["damaged.zip/bad.txt"]
    assert report.errors[0].reason.startswith("could not be decompressed (corrupt archive member:")
    assert [p.name for p in report.parsed] == ["damaged.zip/fine.txt"]


def test_empty_archive():
    report = load_files([("empty.zip", make_zip({})), GOOD])
    assert [(e.name, e.reason) for e in report.errors] == [("empty.zip", "archive is empty")]


def test_zip_detected_by_content_under_another_name():
    report = load_files([("exports.dat", make_zip({"retro.txt": fixture_bytes("retro_notes.txt")}))])
    assert [p.name for p in report.parsed] == ["exports.dat/retro.txt"]


def test_script_names_inside_archives_stay_text():
    data = make_zip({"<img src=x onerror=alert(1)>.txt": GOOD_TEXT})
    report = load_files([("x.zip", data)])
    assert report.parsed[0].name == "x.zip/<img src=x onerror=alert(1)>.txt"
    assert report.parsed[0].title == "<img src=x onerror=alert(1)>"


def test_stored_members_and_every_format_in_one_archive():
    names = ["2025-02-18_Q3-planning-review.vtt", "2025-03-04_design-sync.srt", "hiring_sync.md",
             "otter_customer_call_2025-01-30.txt"]
    data = make_zip({n: fixture_bytes(n) for n in names}, compression=zipfile.ZIP_STORED)
    report = load_files([("all.zip", data)])
    assert [(p.format.value, p.title) for p in report.parsed] == [
        ("vtt", "Q3 planning review"), ("srt", "design sync"), ("markdown", "Hiring sync, backend team"),
        ("text", "otter customer call")]
