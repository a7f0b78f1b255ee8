"""Hourly runs recompute only the customers their deliveries touched, and merge."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa
from lakebuild import run, write, write_golden, write_stage, write_xref

from c360.contracts import load_contracts
from c360.dimensions.steps import analytics_steps
from c360.pipeline.context import StepContext
from c360.pipeline.definition import schedule_of
from c360.pipeline.runner import run_id_for

DAY = date(2026, 11, 25)
DAILY_FILE = "/lake/raw/crm/customers/ingest_date=2026-11-25/run_id=daily-2026-11-25/p.jsonl.gz"
HOURLY_FILE = "/lake/raw/crm/customers/ingest_date=2026-11-25/run_id=hourly-2026-11-25/p.jsonl.gz"
SESSIONS = pa.schema([("session_key", pa.string()), ("customer_id", pa.string()),
                      ("channel", pa.string()), ("session_date", pa.date32())])


def crm(record: str, email_consent: bool, source_file: str) -> dict[str, object]:
    return {"crm_customer_id": record, "updated_at": datetime(2026, 11, 1, tzinfo=UTC),
            "consent_updated_at": datetime(2026, 11, 1, tzinfo=UTC),
            "consent_email": email_consent, "_source_file": source_file}


def build(lake) -> None:
    write_xref(lake, [("crm", "CRM-A", "A"), ("crm", "CRM-B", "B")])
    write_golden(lake, [{"customer_id": c, "email": f"{c}@example.com"} for c in ("A", "B")])
    write(lake, "fct_digital_sessions", SESSIONS, [])
    write_stage(lake, "clickstream_events", [])


def marketing_step():
    return next(s for s in analytics_steps() if s.name == "dim_customer_marketing")


def run_step(settings, lake, engine, schedule: str) -> dict[str, bool]:
    ctx = StepContext(settings, lake, engine, load_contracts(), run_id_for(schedule, DAY), DAY,
                      None, lake.root / "_work")
    if schedule == "hourly":
        run(engine, "spark", "int_customer_changes", params=ctx.params)
    marketing_step().run(ctx)
    rows = engine.query("select customer_id, consent_email from dim_customer_marketing").to_pylist()
    return {r["customer_id"]: r["consent_email"] for r in rows}


def test_run_ids_carry_their_schedule() -> None:
    assert [schedule_of(run_id_for(s, DAY)) for s in ("hourly", "daily", "weekly")] == [
        "hourly", "daily", "weekly"]


def test_changes_list_the_customers_whose_records_this_run_landed(lake, duckdb_engine) -> None:
    build(lake)
    write_stage(lake, "crm_customers", [crm("CRM-A", True, HOURLY_FILE),
                                        crm("CRM-B", True, DAILY_FILE)])
    rows = run(duckdb_engine, "spark", "int_customer_changes",
               params={"logical_date": DAY, "run_id": "hourly-2026-11-25"})
    assert [(r["customer_id"], r["change_sources"], r["changed_records"]) for r in rows] == [
        ("A", "crm", 1)]


def test_hourly_run_recomputes_touched_customers_and_keeps_the_others(
        settings, lake, duckdb_engine) -> None:
    build(lake)
    write_stage(lake, "crm_customers", [crm("CRM-A", False, DAILY_FILE),
                                        crm("CRM-B", False, DAILY_FILE)])
    assert run_step(settings, lake, duckdb_engine, "daily") == {"A": False, "B": False}
    # The hourly delivery changes A; B changes in STAGE too, but not through this run's
    # files, so the hourly run leaves B as the daily run computed it.
    write_stage(lake, "crm_customers", [crm("CRM-A", True, HOURLY_FILE),
                                        crm("CRM-B", True, DAILY_FILE)])
    assert run_step(settings, lake, duckdb_engine, "hourly") == {"A": True, "B": False}
    # A full (daily) recompute agrees on A and picks B up.
    assert run_step(settings, lake, duckdb_engine, "daily") == {"A": True, "B": True}


def test_rerunning_an_hourly_run_gives_the_same_output(settings, lake, duckdb_engine) -> None:
    build(lake)
    write_stage(lake, "crm_customers", [crm("CRM-A", False, DAILY_FILE),
                                        crm("CRM-B", False, DAILY_FILE)])
    run_step(settings, lake, duckdb_engine, "daily")
    write_stage(lake, "crm_customers", [crm("CRM-A", True, HOURLY_FILE),
                                        crm("CRM-B", False, DAILY_FILE)])
    first = run_step(settings, lake, duckdb_engine, "hourly")
    again = run_step(settings, lake, duckdb_engine, "hourly")
    count = duckdb_engine.count("dim_customer_marketing")
    assert (first, again, count) == ({"A": True, "B": False}, {"A": True, "B": False}, 2)
