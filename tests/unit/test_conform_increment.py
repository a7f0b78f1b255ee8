"""Hourly conform of an append-only dataset: only this run's deliveries, added to STAGE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from c360.conform.run import conform_dataset, conform_increment, delivered_by, raw_files
from c360.contracts import load_contract

CONTRACT = """
dataset: web_events
source: web
entity: events
grain: one row per event_id (first received wins)
raw: {format: jsonl, path: web/events}
keys: [event_id]
order_by: [received_at asc]
append_only: true
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: received_at, type: timestamp, nullable: false}
  - {name: page, type: string}
"""


def deliver(lake_root: Path, run_id: str, events: list[tuple[str, str, str]]) -> None:
    """One delivery of (event_id, received_at, page) events, landed by `run_id`."""
    folder = lake_root / "raw" / "web" / "events" / "ingest_date=2026-11-25" / f"run_id={run_id}"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"event_id": e, "received_at": r, "page": p}) for e, r, p in events]
    (folder / "events.jsonl").write_text("\n".join(lines) + "\n")


def contract_in(tmp_path: Path):
    path = tmp_path / "web_events.yaml"
    path.write_text(CONTRACT)
    return load_contract(path)


@pytest.fixture
def engine(engine_on_any_lake):
    """DuckDB, Spark, and Spark on a lake given as `file://` URIs (the Glue job's path)."""
    return engine_on_any_lake


def lake_folder(engine) -> Path:
    return Path(engine.lake.layer_roots["raw"].removeprefix("file://")).parent


def landed(engine, contract, run_id: str | None = None) -> list[str]:
    files = raw_files(contract, engine.lake.layer_roots["raw"], files=engine.lake.files)
    return delivered_by(files, run_id) if run_id else files


def daily_then_hourly(tmp_path: Path, engine, hourly_events: list[tuple[str, str, str]]):
    contract = contract_in(tmp_path)
    root = lake_folder(engine)
    deliver(root, "daily-2026-11-25", [("e1", "2026-11-25T08:00:00Z", "/home"),
                                       ("e2", "2026-11-25T08:05:00Z", "/cards")])
    conform_dataset(engine, contract, landed(engine, contract))
    deliver(root, "hourly-2026-11-25T10", hourly_events)
    files = landed(engine, contract, "hourly-2026-11-25T10")
    return contract, conform_increment(engine, contract, files, "hourly-2026-11-25T10")


def staged(engine) -> list[tuple[str, str]]:
    engine.register_table("stg_web_events")
    rows = engine.query("select event_id, page from stg_web_events order by event_id")
    return [(r["event_id"], r["page"]) for r in rows.to_pylist()]


def quarantined(engine) -> list[tuple[str, str]]:
    engine.register_table("quarantine_web_events")
    rows = engine.query("select event_id, _reason from quarantine_web_events order by event_id")
    return [(r["event_id"], r["_reason"]) for r in rows.to_pylist()]


def test_delivered_by_keeps_the_files_of_the_run_and_its_later_deliveries() -> None:
    files = ["/l/raw/web/events/ingest_date=2026-11-25/run_id=daily-2026-11-25/a.jsonl",
             "/l/raw/web/events/ingest_date=2026-11-25/run_id=hourly-2026-11-25T10/b.jsonl",
             "/l/raw/web/events/ingest_date=2026-11-25/run_id=hourly-2026-11-25T10.2/c.jsonl",
             "/l/raw/web/events/ingest_date=2026-11-25/run_id=hourly-2026-11-25T11/d.jsonl"]
    assert delivered_by(files, "hourly-2026-11-25T10") == files[1:3]


def test_increment_adds_the_new_delivery_and_keeps_what_was_staged(tmp_path, engine) -> None:
    _, result = daily_then_hourly(tmp_path, engine, [("e3", "2026-11-25T10:01:00Z", "/loans")])
    assert (result.rows_in, result.rows_staged, result.rows_quarantined) == (1, 1, 0)
    assert staged(engine) == [("e1", "/home"), ("e2", "/cards"), ("e3", "/loans")]


def test_event_already_staged_is_quarantined_and_the_first_delivery_stays(
    tmp_path, engine
) -> None:
    _, result = daily_then_hourly(tmp_path, engine, [("e2", "2026-11-25T10:02:00Z", "/again"),
                                                     ("e4", "2026-11-25T10:03:00Z", "/help")])
    assert (result.rows_in, result.rows_staged, result.rows_quarantined) == (2, 1, 1)
    assert staged(engine) == [("e1", "/home"), ("e2", "/cards"), ("e4", "/help")]
    assert quarantined(engine) == [
        ("e2", "duplicate: event_id already staged from an earlier delivery")]


def test_rerun_of_the_same_hourly_run_replaces_its_rows_instead_of_adding_them(
    tmp_path, engine
) -> None:
    contract, _ = daily_then_hourly(tmp_path, engine, [("e2", "2026-11-25T10:02:00Z", "/again"),
                                                       ("e3", "2026-11-25T10:01:00Z", "/loans")])
    files = landed(engine, contract, "hourly-2026-11-25T10")
    again = conform_increment(engine, contract, files, "hourly-2026-11-25T10")
    assert (again.rows_in, again.rows_staged, again.rows_quarantined) == (2, 1, 1)
    assert staged(engine) == [("e1", "/home"), ("e2", "/cards"), ("e3", "/loans")]
    assert quarantined(engine) == [
        ("e2", "duplicate: event_id already staged from an earlier delivery")]


def test_bad_record_of_the_increment_is_quarantined_with_its_reason(tmp_path, engine) -> None:
    _, result = daily_then_hourly(tmp_path, engine, [("e5", "not a time", "/x")])
    assert (result.rows_staged, result.rows_quarantined) == (0, 1)
    assert quarantined(engine) == [("e5", "received_at: not a valid timestamp")]
