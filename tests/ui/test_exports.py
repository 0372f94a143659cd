"""Downloads are safe to open in a spreadsheet: formula-like cells are neutralised."""
from __future__ import annotations

import csv
import io

from ui.exports import rows_csv


def test_formula_cells_are_written_as_text():
    rows = [{"index": 1, "title": "=HYPERLINK(\"http://evil.example\",\"x\")", "status": "failed",
             "error": "+cmd|' /C calc'!A0", "source_name": "@SUM(1+1).txt", "attempts": 2},
            {"index": 2, "title": "-2+3", "status": "completed", "error": None, "source_name": "plain.vtt"}]
    parsed = list(csv.DictReader(io.StringIO(rows_csv(rows))))
    assert parsed[0]["title"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert parsed[0]["error"].startswith("'+cmd")
    assert parsed[0]["source_name"] == "'@SUM(1+1).txt"
    assert parsed[1]["title"] == "'-2+3"
    assert parsed[1]["source_name"] == "plain.vtt" and float(parsed[0]["attempts"]) == 2
