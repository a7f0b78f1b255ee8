"""The JSON-lines file check counts exactly what the standard `json` reader sees: which
lines are records, which are invalid, which fields are unknown or missing, and which
clickstream events are late or from bots — whatever the values' types."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from files_testkit import click_event, jsonl_gz

from c360.contracts import load_contracts
from c360.ingest.validate import FileCheck, check_file

CONTRACTS = load_contracts()
BATCH = "clickstream/events/dt=2026-11-24/hour=10/web-0000.jsonl.gz"


def _check(tmp_path: Path, lines: list[str], dataset: str = "clickstream_events") -> FileCheck:
    return check_file(CONTRACTS[dataset], jsonl_gz(tmp_path / BATCH, lines))


def _event(n: int, **changes: object) -> str:
    return json.dumps({**click_event(n, "2026-11-24T10:00:05Z", "2026-11-24T10:00:06Z"),
                       **changes})


def test_lines_the_standard_json_reader_takes_as_objects_are_records_not_invalid_lines(
        tmp_path):
    special = [
        _event(1).replace('"page_view"', '"page_view", "score": NaN'),  # NaN: not strict JSON
        _event(2).replace('"/products/savings"', "123456789012345678901234567890"),  # > 64 bit
        _event(3).replace('"savings"', '"\\ud83d"'),  # an escaped lone surrogate
    ]
    result = _check(tmp_path, special)
    assert result == FileCheck(rows=3, notes=("unknown field(s) ignored: score (1)",))


def test_blank_lines_are_not_records_and_invalid_lines_keep_their_line_numbers(tmp_path):
    lines = [_event(1), "", "   ", "[1, 2]", _event(2), "null", '"text"', "{cut", "\u00a0", "7",
             "{}{}", _event(3)]
    result = _check(tmp_path, lines)
    assert result.rows == 9 and result.verdict == "land"
    assert result.notes[0] == ("6 invalid JSON line(s) (e.g. line [4, 6, 7, 8, 10]); "
                               "conform quarantines them")


def test_file_whose_every_non_blank_line_is_not_an_object_is_quarantined(tmp_path):
    result = _check(tmp_path, ["", "[1]", "{broken", "", "42"])
    assert (result.verdict, result.rows, result.reason) == (
        "quarantine", 3, "no line is a JSON object (3 lines, first bad at line 2)")


def test_required_field_counts_absent_null_and_empty_but_not_zero_or_false(tmp_path):
    lines = [_event(1, device_id=None), _event(2, device_id=""), _event(3, device_id=0),
             _event(4, device_id=False), _event(5, event_type=[]),
             json.dumps({k: v for k, v in json.loads(_event(6)).items() if k != "device_id"})]
    result = _check(tmp_path, lines)
    assert result.notes == ("required field(s) missing; conform quarantines those records: "
                            "device_id (3)",)


def test_nested_required_field_is_missing_when_its_parent_or_it_is_absent_or_empty(tmp_path):
    crm = CONTRACTS["crm_customers"]
    city_required = replace(crm, columns=tuple(
        replace(c, nullable=False) if c.source == "address.city" else c for c in crm.columns))
    records = [{"id": "CRM-1", "updated_at": "2026-11-24T10:00:00Z", "address": {"city": "Reno"}},
               {"id": "CRM-2", "updated_at": "2026-11-24T10:00:00Z", "address": {"city": ""}},
               {"id": "CRM-3", "updated_at": "2026-11-24T10:00:00Z", "address": "Reno"},
               {"id": "CRM-4", "updated_at": "2026-11-24T10:00:00Z"}]
    path = jsonl_gz(tmp_path / "crm.jsonl.gz", [json.dumps(r) for r in records])
    result = check_file(city_required, path)
    assert result.notes == ("required field(s) missing; conform quarantines those records: "
                            "address.city (3)",)


def test_late_and_bot_counts_skip_values_that_are_not_strings(tmp_path):
    lines = [
        _event(1, received_at="2026-11-24T11:00:00Z"),  # late
        _event(2, event_time=1795600000, received_at="2026-11-24T11:00:00Z"),  # a number
        _event(3, received_at=None),
        _event(4, user_agent="Mozilla/5.0 (compatible; bingbot/2.0)"),  # bot
        _event(5, user_agent=["Googlebot"]),  # a list: not a user agent string
        _event(6, user_agent={"name": "crawler"}),
        _event(7, user_agent="HeadlessChrome/120.0"),  # bot, any case
    ]
    result = _check(tmp_path, lines)
    assert result.notes == ("1 late event(s) (received in a later hour than they happened)",
                            "2 event(s) with a bot user agent")
