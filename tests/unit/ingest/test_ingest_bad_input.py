"""Bad deliveries end in quarantine or a skip with a reason in the manifest: never a crash,
never a silent loss."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from files_testkit import (
    CALLS_HEADER,
    CALLS_ROWS,
    LOYALTY_MEMBERS,
    calls_text,
    cards_text,
    click_event,
    events_file,
    jsonl_gz,
    loyalty_text,
    write,
)

from c360.conform.run import conform_dataset, raw_files
from c360.contracts import load_contracts
from c360.ingest.landing import sha256_file
from c360.ingest.mainframe import ingest_drop
from c360.ingest.store import LocalStore

DAY = date(2026, 11, 25)
CONTRACTS = load_contracts()


def _ingest(dataset: str, drop: Path, raw: Path, run_id: str = "daily-2026-11-25"):
    return ingest_drop(CONTRACTS[dataset], LocalStore(drop), LocalStore(raw), DAY, run_id,
                       drop.parent / "work")


def _manifest(raw: Path, *parts: str) -> dict:
    return json.loads((raw.joinpath(*parts) / "_manifest.json").read_text())


def _quarantine_manifest(raw: Path, dataset_path: str) -> dict:
    found = list((raw / "_quarantine" / dataset_path).rglob("_manifest.json"))
    assert len(found) == 1
    return json.loads(found[0].read_text())


def test_corrupt_gzip_batch_is_quarantined_whole_and_kept_byte_for_byte(tmp_path):
    good = events_file(tmp_path / "drop/clickstream/events/dt=2026-11-24/hour=10/web-0000.jsonl.gz",
                       [click_event(1, "2026-11-24T10:00:05Z", "2026-11-24T10:00:06Z")])
    bad = tmp_path / "drop/clickstream/events/dt=2026-11-24/hour=11/web-0000.jsonl.gz"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(good.read_bytes()[:25])  # cut short: a broken upload
    report = _ingest("clickstream_events", tmp_path / "drop", tmp_path / "raw")
    assert [f.source for f in report.landed] == ["web-0000.jsonl.gz"]
    [quarantined] = report.quarantined
    assert quarantined.reason.startswith("corrupt gzip")
    manifest = _quarantine_manifest(tmp_path / "raw", "clickstream/events")
    assert manifest["quarantined"][0]["reason"] == quarantined.reason
    kept = tmp_path / "raw" / quarantined.path
    assert sha256_file(kept) == sha256_file(bad)


def test_invalid_json_line_lands_with_a_note_and_conform_quarantines_that_record(
        tmp_path, duckdb_engine, lake):
    lines = [json.dumps(click_event(1, "2026-11-24T10:00:05Z", "2026-11-24T10:00:06Z")),
             '{"event_id": "ev2", "event_time": ',  # cut mid-record
             json.dumps(click_event(3, "2026-11-24T10:01:00Z", "2026-11-24T10:01:02Z"))]
    jsonl_gz(tmp_path / "drop/clickstream/events/dt=2026-11-24/hour=10/web-0000.jsonl.gz", lines)
    raw = Path(lake.layer_roots["raw"])
    report = _ingest("clickstream_events", tmp_path / "drop", raw)
    assert report.rows == 3
    note = report.landed[0].notes[0]
    assert note == "1 invalid JSON line(s) (e.g. line [2]); conform quarantines them"
    manifest = _manifest(raw, report.delivery)
    assert manifest["files"][0]["notes"] == [note]
    contract = CONTRACTS["clickstream_events"]
    result = conform_dataset(duckdb_engine, contract, raw_files(contract, raw))
    assert (result.rows_in, result.rows_staged, result.rows_quarantined) == (3, 2, 1)
    reasons = duckdb_engine.query("select _reason from quarantine_clickstream_events")
    assert reasons.column("_reason").to_pylist() == ["record: invalid JSON"]


def test_unknown_and_missing_json_fields_are_noted_and_the_file_lands(tmp_path):
    extra = {**click_event(1, "2026-11-24T10:00:05Z", "2026-11-24T10:00:06Z"),
             "experiment": "b"}
    missing = click_event(2, "2026-11-24T10:00:09Z", "2026-11-24T10:00:10Z")
    del missing["device_id"]
    events_file(tmp_path / "drop/clickstream/events/dt=2026-11-24/hour=10/app-0000.jsonl.gz",
                [extra, missing])
    report = _ingest("clickstream_events", tmp_path / "drop", tmp_path / "raw")
    assert report.rows == 2 and not report.quarantined
    assert report.landed[0].notes == (
        "unknown field(s) ignored: experiment (1)",
        "required field(s) missing; conform quarantines those records: device_id (1)",
    )


def test_csv_without_a_required_column_is_quarantined(tmp_path):
    header = CALLS_HEADER.replace('"contact_id",', "")
    rows = [r.split(",", 1)[1] for r in CALLS_ROWS]
    write(tmp_path / "drop/call_center/contacts_20261114.csv", calls_text(header, rows))
    report = _ingest("call_center_contacts", tmp_path / "drop", tmp_path / "raw")
    assert report.quarantined[0].reason == "header lacks required column(s): contact_id"
    assert report.quarantined[0].rows == 2 and not report.landed


def test_csv_with_an_unknown_and_a_missing_optional_column_lands_with_notes(tmp_path):
    header = CALLS_HEADER.replace('"sentiment"', '"mood"')
    write(tmp_path / "drop/call_center/contacts_20261114.csv", calls_text(header))
    report = _ingest("call_center_contacts", tmp_path / "drop", tmp_path / "raw")
    assert report.rows == 2
    assert report.landed[0].notes == ("column(s) missing, read as empty: sentiment",
                                      "unknown column(s) ignored: mood")


def test_csv_in_the_wrong_encoding_is_quarantined(tmp_path):
    text = calls_text()  # "Carol Müller": ü is one byte, 0xfc, in Latin-1
    write(tmp_path / "drop/call_center/contacts_20261114.csv", text, encoding="latin-1")
    report = _ingest("call_center_contacts", tmp_path / "drop", tmp_path / "raw")
    offset = text.index("ü")
    assert report.quarantined[0].reason == f"not valid UTF-8: byte 0xfc at offset {offset}"
    assert (tmp_path / "raw" / report.quarantined[0].path).is_file()


def test_csv_record_wider_than_its_header_is_quarantined(tmp_path):
    rows = [CALLS_ROWS[0], CALLS_ROWS[1] + ',"extra"']
    write(tmp_path / "drop/call_center/contacts_20261114.csv", calls_text(rows=rows))
    report = _ingest("call_center_contacts", tmp_path / "drop", tmp_path / "raw")
    assert report.quarantined[0].reason == "record 3 has 12 fields, the header 11"


@pytest.mark.parametrize("count, total, reason", [
    (4, None, "trailer says 4 records totalling 75779, the file has 3 records totalling 75779"),
    (None, 75000, "trailer says 3 records totalling 75000, the file has 3 records totalling "
                  "75779"),
])
def test_loyalty_file_whose_trailer_disagrees_is_quarantined_and_the_run_continues(
        tmp_path, count, total, reason):
    write(tmp_path / "drop/mainframe/loyalty_20261125.dat", loyalty_text(count=count, total=total))
    write(tmp_path / "drop/mainframe/cards_20261125.csv", cards_text())
    loyalty = _ingest("mainframe_loyalty", tmp_path / "drop", tmp_path / "raw")
    cards = _ingest("mainframe_cards", tmp_path / "drop", tmp_path / "raw")
    assert loyalty.quarantined[0].reason == f"control totals do not match: {reason}"
    assert not loyalty.landed and not (tmp_path / "raw/mainframe/loyalty").exists()
    assert cards.rows == 3 and not cards.quarantined


def test_cards_file_whose_amount_total_disagrees_is_quarantined(tmp_path):
    write(tmp_path / "drop/mainframe/cards_20261125.csv", cards_text(total="11584.36"))
    report = _ingest("mainframe_cards", tmp_path / "drop", tmp_path / "raw")
    assert report.quarantined[0].reason == (
        "control totals do not match: trailer says 3 records totalling 11584.36, the file has "
        "3 records totalling 11584.35")


def test_mainframe_file_without_trailer_is_quarantined_as_truncated(tmp_path):
    write(tmp_path / "drop/mainframe/loyalty_20261125.dat", loyalty_text(trailer=False))
    report = _ingest("mainframe_loyalty", tmp_path / "drop", tmp_path / "raw")
    assert report.quarantined[0].reason == "no trailer record (T) at the end (file truncated?)"


def test_loyalty_file_with_matching_totals_lands_its_detail_records(tmp_path):
    write(tmp_path / "drop/mainframe/loyalty_20261125.dat", loyalty_text())
    report = _ingest("mainframe_loyalty", tmp_path / "drop", tmp_path / "raw")
    assert report.rows == len(LOYALTY_MEMBERS) and not report.quarantined


def test_quarantined_files_are_invisible_to_conform(tmp_path):
    write(tmp_path / "drop/mainframe/loyalty_20261125.dat", loyalty_text(count=9))
    _ingest("mainframe_loyalty", tmp_path / "drop", tmp_path / "raw")
    assert raw_files(CONTRACTS["mainframe_loyalty"], tmp_path / "raw") == []


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file (0 bytes)"),
    (gzip.compress(b"", mtime=0), "empty file (no records)"),
    (gzip.compress(b"\n\n", mtime=0), "empty file (no records)"),
])
def test_empty_batch_is_skipped_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "drop/clickstream/events/dt=2026-11-24/hour=03/web-0000.jsonl.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    report = _ingest("clickstream_events", tmp_path / "drop", tmp_path / "raw")
    assert report.skipped == [{"source": "web-0000.jsonl.gz", "reason": reason}]
    assert not report.landed and not report.quarantined


def test_csv_with_only_a_header_is_skipped_as_empty(tmp_path):
    write(tmp_path / "drop/call_center/contacts_20261114.csv", CALLS_HEADER + "\n")
    report = _ingest("call_center_contacts", tmp_path / "drop", tmp_path / "raw")
    assert report.skipped[0]["reason"] == "empty file (header only, no records)"


def test_duplicate_delivery_is_ingested_once(tmp_path):
    write(tmp_path / "drop/mainframe/cards_20261125.csv", cards_text())
    first = _ingest("mainframe_cards", tmp_path / "drop", tmp_path / "raw", "daily-2026-11-25")
    again = _ingest("mainframe_cards", tmp_path / "drop", tmp_path / "raw", "daily-2026-11-26")
    assert first.rows == 3 and again.rows == 0
    assert again.skipped == [{
        "source": "cards_20261125.csv",
        "reason": "duplicate delivery: same bytes already landed as mainframe/cards/"
                  "ingest_date=2026-11-25/run_id=daily-2026-11-25/cards_20261125.csv "
                  "(run daily-2026-11-25)"}]
    assert len(list((tmp_path / "raw/mainframe/cards").rglob("*.csv"))) == 1


def test_redelivered_quarantined_file_is_skipped_as_already_quarantined(tmp_path):
    write(tmp_path / "drop/mainframe/loyalty_20261125.dat", loyalty_text(count=9))
    _ingest("mainframe_loyalty", tmp_path / "drop", tmp_path / "raw", "r1")
    again = _ingest("mainframe_loyalty", tmp_path / "drop", tmp_path / "raw", "r2")
    assert again.skipped[0]["reason"].startswith("duplicate delivery: same bytes already "
                                                 "quarantined")


def test_late_and_bot_events_land_and_are_counted_in_the_manifest(tmp_path):
    events = [click_event(1, "2026-11-24T07:40:00Z", "2026-11-24T10:02:00Z"),  # 3 h late
              click_event(2, "2026-11-24T10:03:00Z", "2026-11-24T10:03:01Z",
                          user_agent="Mozilla/5.0 (compatible; Googlebot/2.1)")]
    batch = tmp_path / "drop/clickstream/events/dt=2026-11-24/hour=10/web-0000.jsonl.gz"
    events_file(batch, events)
    report = _ingest("clickstream_events", tmp_path / "drop", tmp_path / "raw")
    assert report.rows == 2
    assert report.landed[0].notes == (
        "1 late event(s) (received in a later hour than they happened)",
        "1 event(s) with a bot user agent")


def test_an_hour_delivered_after_a_later_hour_lands_beside_it(tmp_path):
    drop = tmp_path / "drop"
    events_file(drop / "clickstream/events/dt=2026-11-24/hour=11/web-0000.jsonl.gz",
                [click_event(5, "2026-11-24T11:00:01Z", "2026-11-24T11:00:02Z")])
    _ingest("clickstream_events", drop, tmp_path / "raw", "hourly-2026-11-24T11")
    events_file(drop / "clickstream/events/dt=2026-11-24/hour=10/web-0000.jsonl.gz",
                [click_event(4, "2026-11-24T10:59:01Z", "2026-11-24T10:59:02Z")])
    late = _ingest("clickstream_events", drop, tmp_path / "raw", "hourly-2026-11-24T12")
    assert [f.path.split("run_id=")[1] for f in late.landed] == [
        "hourly-2026-11-24T12/dt=2026-11-24/hour=10/web-0000.jsonl.gz"]
    assert late.skipped[0]["source"] == "web-0000.jsonl.gz"  # hour 11 again: a duplicate
    assert len(raw_files(CONTRACTS["clickstream_events"], tmp_path / "raw")) == 2


def test_nothing_dropped_is_reported_not_raised(tmp_path):
    (tmp_path / "drop").mkdir()
    report = _ingest("mainframe_cards", tmp_path / "drop", tmp_path / "raw")
    assert report.skipped == [{"source": "mainframe/cards_*.csv",
                               "reason": "nothing dropped (no file matches)"}]
