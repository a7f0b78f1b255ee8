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
# A staged row's raw file, relative to the RAW root (as conform writes `_source_file`).
DAILY_FILE = "crm/customers/ingest_date=2026-11-25/run_id=daily-2026-11-25/p.jsonl.gz"
HOURLY_FILE = "crm/customers/ingest_date=2026-11-25/run_id=hourly-2026-11-25/p.jsonl.gz"
# A second delivery landed by the same run (a rerun with new files) goes beside the first.
HOURLY_FILE_2 = "crm/customers/ingest_date=2026-11-25/run_id=hourly-2026-11-25.2/p.jsonl.gz"
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


def changes_after(settings, lake, engine, a_file: str, b_file: str) -> list[dict[str, object]]:
    """`int_customer_changes` of the hourly run, CRM-A and CRM-B staged from these files."""
    build(lake)
    write_stage(lake, "crm_customers", [crm("CRM-A", True, a_file), crm("CRM-B", True, b_file)])
    ctx = StepContext(settings, lake, engine, load_contracts(), run_id_for("hourly", DAY), DAY,
                      None, lake.root / "_work")
    return run(engine, "spark", "int_customer_changes", params=ctx.params)


def test_the_runs_deliveries_parameter_is_where_raw_holds_its_first_delivery(
        settings, lake, duckdb_engine) -> None:
    ctx = StepContext(settings, lake, duckdb_engine, load_contracts(), run_id_for("hourly", DAY),
                      DAY, None, lake.root / "_work")
    assert ctx.params["deliveries_crm_customers"] == (
        "crm/customers/ingest_date=2026-11-25/run_id=hourly-2026-11-25")


def test_changes_list_the_customers_whose_records_this_run_landed(
        settings, lake, duckdb_engine) -> None:
    rows = changes_after(settings, lake, duckdb_engine, HOURLY_FILE, DAILY_FILE)
    assert [(r["customer_id"], r["change_sources"], r["changed_records"]) for r in rows] == [
        ("A", "crm", 1)]


def test_changes_include_a_later_delivery_of_the_same_run(settings, lake, duckdb_engine) -> None:
    rows = changes_after(settings, lake, duckdb_engine, HOURLY_FILE, HOURLY_FILE_2)
    assert [r["customer_id"] for r in rows] == ["A", "B"]


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


# -- fct_digital_sessions: hourly runs recompute the sessions their events touch ----------

DAILY_EVENTS = "clickstream/events/ingest_date=2026-11-25/run_id=daily-2026-11-25/e.jsonl.gz"
HOURLY_EVENTS = "clickstream/events/ingest_date=2026-11-25/run_id=hourly-2026-11-25/e.jsonl.gz"


def click(event_id: str, at: str, device: str, session: str | None,
          source_file: str = DAILY_EVENTS) -> dict[str, object]:
    when = datetime.fromisoformat(at).replace(tzinfo=UTC)
    return {"event_id": event_id, "event_time": when, "received_at": when, "device_id": device,
            "session_id": session, "channel": "web", "event_type": "page_view",
            "user_agent": "Mozilla/5.0 Chrome/130.0", "_source_file": source_file}


DAILY_CLICKS = [
    # s-shared: a collector session seen on devices of two customers (A and B).
    click("e1", "2026-11-24T09:00:00", "dev-a", "s-shared"),
    click("e2", "2026-11-24T09:05:00", "dev-b", "s-shared"),
    # dev-a's gap sessions (no collector session id): dev-a#1 and dev-a#2.
    click("e3", "2026-11-24T10:00:00", "dev-a", None),
    click("e4", "2026-11-24T12:00:00", "dev-a", None),
    # Untouched by the hourly delivery.
    click("e5", "2026-11-24T11:00:00", "dev-c", "s-c"),
    click("e6", "2026-11-24T13:00:00", "dev-b", None),
]
HOURLY_CLICKS = [
    # Joins s-shared on B's device: the session's customer is min(A, B) = A.
    click("h1", "2026-11-24T09:10:00", "dev-b", "s-shared", HOURLY_EVENTS),
    # Arrives late between dev-a's gap sessions: dev-a#2 becomes dev-a#3.
    click("h2", "2026-11-24T11:00:00", "dev-a", None, HOURLY_EVENTS),
]


def sessions_step():
    return next(s for s in analytics_steps() if s.name == "fct_digital_sessions")


def sessions_after(settings, lake, engine, schedule: str, clicks) -> tuple[list[tuple], dict]:
    write_xref(lake, [("clickstream_device", "dev-a", "A"), ("clickstream_device", "dev-b", "B"),
                      ("clickstream_device", "dev-c", "C")])
    write_stage(lake, "clickstream_events", clicks)
    ctx = StepContext(settings, lake, engine, load_contracts(), run_id_for(schedule, DAY), DAY,
                      None, lake.root / "_work")
    result = sessions_step().run(ctx)
    rows = engine.query("select session_key, customer_id, event_count, session_start "
                        "from fct_digital_sessions order by session_key").to_pylist()
    return [tuple(r.values()) for r in rows], result.details


def full_recompute(settings, tmp_path, clicks) -> list[tuple]:
    from c360.engine.duckdb_engine import DuckDBEngine
    from c360.lake import Lake

    other = Lake.local(tmp_path / "full-lake")
    with DuckDBEngine(other) as engine:
        return sessions_after(settings, other, engine, "daily", clicks)[0]


def test_hourly_sessions_recompute_touched_sessions_only_and_equal_a_full_recompute(
        settings, lake, engine, tmp_path) -> None:
    sessions_after(settings, lake, engine, "daily", DAILY_CLICKS)
    hourly, details = sessions_after(settings, lake, engine, "hourly",
                                     DAILY_CLICKS + HOURLY_CLICKS)
    at = lambda text: datetime.fromisoformat(text).replace(tzinfo=UTC)  # noqa: E731
    assert hourly == [
        ("dev-a#1", "A", 1, at("2026-11-24T10:00:00")),
        ("dev-a#2", "A", 1, at("2026-11-24T11:00:00")),
        ("dev-a#3", "A", 1, at("2026-11-24T12:00:00")),
        ("dev-b#1", "B", 1, at("2026-11-24T13:00:00")),
        ("s-c", "C", 1, at("2026-11-24T11:00:00")),
        ("s-shared", "A", 3, at("2026-11-24T09:00:00")),
    ]
    assert hourly == full_recompute(settings, tmp_path, DAILY_CLICKS + HOURLY_CLICKS)
    # Touched: s-shared (h1's session) and dev-a's gap sessions (h2 has no session): the
    # events read are s-shared's three and dev-a's three without a session.
    assert details == {"mode": "incremental", "sessions_touched": 1, "gap_devices_touched": 1,
                       "events_read": 6}


def test_rerunning_an_hourly_sessions_merge_gives_the_same_table(settings, lake, engine) -> None:
    sessions_after(settings, lake, engine, "daily", DAILY_CLICKS)
    first, _ = sessions_after(settings, lake, engine, "hourly", DAILY_CLICKS + HOURLY_CLICKS)
    again, _ = sessions_after(settings, lake, engine, "hourly", DAILY_CLICKS + HOURLY_CLICKS)
    assert again == first


def test_hourly_run_without_events_leaves_the_sessions_as_they_are(
        settings, lake, duckdb_engine) -> None:
    daily, _ = sessions_after(settings, lake, duckdb_engine, "daily", DAILY_CLICKS)
    hourly, details = sessions_after(settings, lake, duckdb_engine, "hourly", DAILY_CLICKS)
    assert (hourly, details) == (daily, {"mode": "incremental", "sessions_touched": 0,
                                         "gap_devices_touched": 0, "events_read": 0})
