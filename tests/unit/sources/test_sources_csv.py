"""Every CSV output parses with Python's csv module to its header's column count."""

from __future__ import annotations

import csv
from pathlib import Path


def _csv_files(out: Path) -> list[Path]:
    return sorted(
        p
        for folder in ("core_banking", "call_center", "_ground_truth")
        for p in (out / folder).glob("*.csv")
    )


def test_every_csv_parses_to_the_header_column_count(out: Path) -> None:
    files = _csv_files(out)

    assert len(files) == 4 + 30 + 2
    for path in files:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) > 1, path
        assert {len(r) for r in rows} == {len(rows[0])}, path


def test_card_statement_body_parses_to_the_column_header_count(out: Path) -> None:
    (path,) = (out / "mainframe").glob("cards_*.csv")
    with path.open(newline="", encoding="ascii") as fh:
        rows = list(csv.reader(fh))

    assert {len(r) for r in rows[1:-1]} == {9}
    assert (len(rows[0]), len(rows[-1])) == (4, 3)


def test_csv_rows_match_manifest_row_counts(out: Path) -> None:
    import json

    rows = {f["path"]: f["rows"] for f in json.loads((out / "manifest.json").read_text())["files"]}
    for path in _csv_files(out):
        with path.open(newline="", encoding="utf-8") as fh:
            count = sum(1 for _ in csv.reader(fh)) - 1
        assert rows[path.relative_to(out).as_posix()] == count, path
