"""load_paths for the CLI: files, folders walked, zips, and paths that cannot be read."""
from __future__ import annotations

import os

from batch_core.ingest import load_paths
from tests.ingest.helpers import GOOD_TEXT, fixture_bytes, make_zip


def test_folder_walk_with_zip_junk_and_unsupported(tmp_path):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "retro_notes.txt").write_bytes(fixture_bytes("retro_notes.txt"))
    (tmp_path / "2025-03-04_design-sync.srt").write_bytes(fixture_bytes("2025-03-04_design-sync.srt"))
    (tmp_path / "exports.zip").write_bytes(make_zip({"a.txt": GOOD_TEXT}))
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "__MACOSX" / "._a.txt").write_bytes(b"junk")
    (tmp_path / "slides.pptx").write_bytes(b"PK")
    report = load_paths([str(tmp_path)])
    assert [p.name for p in report.parsed] == [
        str(tmp_path / "2025-03-04_design-sync.srt"), str(tmp_path / "exports.zip") + "/a.txt",
        str(tmp_path / "team" / "retro_notes.txt")]
    assert [p.title for p in report.parsed] == ["design sync", "a", "retro notes"]
    assert [(i.name, i.reason.split(" (")[0]) for i in report.ignored] == [
        (str(tmp_path / "slides.pptx"), "unsupported file type .pptx")]
    assert report.errors == []


def test_missing_and_dangling_paths(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT)
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    report = load_paths([str(tmp_path / "nope.vtt"), str(tmp_path / "link.txt"), str(good)])
    assert [(e.name, e.reason) for e in report.errors] == [
        (str(tmp_path / "nope.vtt"), "no such file or folder"),
        (str(tmp_path / "link.txt"), "no such file or folder")]
    assert [p.name for p in report.parsed] == [str(good)]


def test_oversized_file_is_refused_before_reading(tmp_path):
    sparse = tmp_path / "huge.vtt"
    with open(sparse, "wb") as handle:
        handle.truncate(15 * 1024 * 1024)  # sparse: no 15 MB ever held in memory
    report = load_paths([str(sparse)])
    assert [(e.name, e.reason) for e in report.errors] == [
        (str(sparse), "file too large: 15.0 MB; the limit is 10 MB per file (INGEST_MAX_FILE_MB)")]


def test_a_folder_given_as_a_file_path_is_walked(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "n.md").write_text("# Notes\n\nAna: hi\nBen: hello")
    report = load_paths([str(tmp_path / "x"), os.fspath(tmp_path / "x" / "n.md")])
    assert [p.title for p in report.parsed] == ["Notes", "Notes"]
