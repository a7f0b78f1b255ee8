"""A JSON-lines batch's lines are those of `str.splitlines` on its decoded text, whatever
bytes it holds: CRLF endings, a byte-order mark, form feeds and Unicode line separators,
non-ASCII text, whitespace-only lines, bytes that are not UTF-8."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from files_testkit import click_event

from c360.contracts import load_contracts
from c360.ingest.validate import FileCheck, check_file

CLICKSTREAM = load_contracts()["clickstream_events"]
BATCH = "clickstream/events/dt=2026-11-24/hour=10/app-0000.jsonl.gz"


def _event(n: int, **changes: object) -> str:
    """One clickstream event as the collector writes it: UTF-8, non-ASCII characters as is."""
    return json.dumps({**click_event(n, "2026-11-24T10:00:05Z", "2026-11-24T10:00:06Z"),
                       **changes}, ensure_ascii=False)


def _check(tmp_path: Path, text: str, encoding: str = "utf-8") -> FileCheck:
    path = tmp_path / BATCH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode(encoding), mtime=0))
    return check_file(CLICKSTREAM, path)


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_batch_with_crlf_or_cr_endings_is_checked_exactly_as_with_lf_endings(tmp_path, ending):
    lines = [_event(1), "{cut", "", _event(2, device_id=None), _event(3, experiment="b")]
    expected = FileCheck(rows=4, notes=(
        "1 invalid JSON line(s) (e.g. line [2]); conform quarantines them",
        "unknown field(s) ignored: experiment (1)",
        "required field(s) missing; conform quarantines those records: device_id (1)"))
    assert _check(tmp_path / "lf", "\n".join(lines) + "\n") == expected
    assert _check(tmp_path / "other", ending.join(lines) + ending) == expected


def test_byte_order_mark_is_not_part_of_the_first_record(tmp_path):
    assert _check(tmp_path, "\ufeff" + _event(1) + "\n" + _event(2) + "\n") == FileCheck(rows=2)


def test_form_feed_between_two_records_makes_them_two_lines(tmp_path):
    assert _check(tmp_path, _event(1) + "\x0c" + _event(2) + "\n") == FileCheck(rows=2)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separator_inside_a_value_cuts_its_record_in_two_invalid_lines(
        tmp_path, separator):
    cut = _event(2, search_term=f"savings{separator}account")
    result = _check(tmp_path, "\n".join([_event(1), cut, _event(3)]) + "\n")
    assert result == FileCheck(rows=4, notes=(
        "2 invalid JSON line(s) (e.g. line [2, 3]); conform quarantines them",))


def test_non_ascii_values_are_records_like_any_other(tmp_path):
    lines = [_event(1, search_term="crédit immobilier"), _event(2, search_term="保险 😀"),
             _event(3, page="/épargne")]
    assert _check(tmp_path, "\n".join(lines) + "\n") == FileCheck(rows=3)


@pytest.mark.parametrize("blank", ["\t", " \x1f ", "\u00a0", "\u3000"])
def test_a_line_of_only_whitespace_is_not_a_record(tmp_path, blank):
    result = _check(tmp_path, "\n".join([_event(1), blank, _event(2)]) + "\n")
    assert result == FileCheck(rows=2)


def test_batch_of_only_whitespace_lines_is_skipped_as_empty(tmp_path):
    result = _check(tmp_path, "\n \x1f\n\u3000\n")
    assert result == FileCheck(rows=0, verdict="skip", reason="empty file (no records)")


def test_batch_with_a_byte_that_is_not_utf8_is_quarantined_with_its_offset(tmp_path):
    text = _event(1) + "\n" + _event(2, search_term="café") + "\n"
    result = _check(tmp_path, text, encoding="latin-1")
    offset = text.index("é")
    assert result == FileCheck(rows=0, verdict="quarantine",
                               reason=f"not valid UTF-8: byte 0xe9 at offset {offset}")
