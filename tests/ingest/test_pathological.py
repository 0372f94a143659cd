"""Inputs built to make regular expressions backtrack: each must parse, not hang.

The timeout marker is a hang guard, not a speed assertion; the quadratic versions of these
patterns would take hours on these inputs.
"""
from __future__ import annotations

import pytest

from batch_core.ingest import load_files

N = 200_000


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name, text", [
    ("voices.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v" + ".a" * N + "\nAlice: hello\n"),
    ("spaces.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Alice" + " " * N + "x\n"),
    ("tags.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n" + "<" * N + " words\n"),
    ("links.md", "Alice: " + "[" * N + "\nBob: " + "[a](" * N + "\n"),
    ("stars.md", "Alice: " + "*a" * N + "\nBob: ok\n"),
    ("header.txt", "Alice " + " " * N + "0:0\nBob: fine\n"),
    ("colons.txt", "A" * N + ": text\nBob: fine\nAlice: fine\n"),
])
def test_hostile_lines_parse(name, text):
    report = load_files([(name, text.encode())])
    assert report.errors == [] and len(report.parsed) == 1
    assert report.parsed[0].word_count >= 1
