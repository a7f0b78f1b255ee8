"""c360_customer_profile_history: SCD type 2 over the tracked-attributes hash."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from c360.contracts import load_contracts
from c360.dimensions.history import build_history
from c360.pipeline.context import StepContext

TRACKED = (
    "first_name", "last_name", "birth_date", "email", "phone", "address_line", "city", "state",
    "postal_code", "age_band", "life_stage", "income_band", "region", "occupation",
    "tenure_band", "loyalty_tier", "churn_risk_band", "product_count", "products_held",
    "spend_trend", "salary_detected", "primary_digital_channel", "consent_email", "consent_sms",
    "consent_phone", "consent_post", "preferred_channel", "segment_name", "next_best_product",
)
TYPES = {"birth_date": pa.date32(), "product_count": pa.int64(), "salary_detected": pa.bool_(),
         "consent_email": pa.bool_(), "consent_sms": pa.bool_(), "consent_phone": pa.bool_(),
         "consent_post": pa.bool_()}
SCHEMA = pa.schema([("customer_id", pa.string()),
                    *((c, TYPES.get(c, pa.string())) for c in TRACKED),
                    ("tracked_attributes_hash", pa.string())])


def snapshot(lake, day: date, rows: list[tuple[str, str, str]]) -> None:
    """Profile partition for `day`: (customer_id, segment_name, hash) per customer."""
    data = pa.Table.from_pylist(
        [{"customer_id": c, "segment_name": s, "tracked_attributes_hash": h} for c, s, h in rows],
        schema=SCHEMA)
    folder = Path(lake.location("c360_customer_profile")) / f"snapshot_date={day.isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, folder / "part-00000.parquet")


def apply(settings, lake, engine, day: date) -> list[tuple[object, ...]]:
    ctx = StepContext(settings, lake, engine, load_contracts(), f"daily-{day.isoformat()}", day,
                      None, lake.root / "_work")
    build_history(ctx)
    rows = engine.query(
        "select customer_id, segment_name, valid_from, valid_to, is_current "
        "from c360_customer_profile_history order by customer_id, valid_from"
    ).to_pylist()
    return [tuple(r.values()) for r in rows]


D1, D2 = date(2026, 11, 24), date(2026, 11, 25)


def test_first_snapshot_opens_one_current_version_per_customer(settings, lake,
                                                               duckdb_engine) -> None:
    snapshot(lake, D1, [("A", "savers", "h1"), ("B", "travellers", "h2")])
    assert apply(settings, lake, duckdb_engine, D1) == [
        ("A", "savers", D1, None, True),
        ("B", "travellers", D1, None, True),
    ]


def test_a_changed_hash_closes_the_version_and_opens_a_new_one(settings, lake,
                                                               duckdb_engine) -> None:
    snapshot(lake, D1, [("A", "savers", "h1"), ("B", "travellers", "h2"), ("C", "savers", "h3")])
    apply(settings, lake, duckdb_engine, D1)
    snapshot(lake, D2, [("A", "digital", "h1x"), ("B", "travellers", "h2"), ("D", "savers", "h4")])
    assert apply(settings, lake, duckdb_engine, D2) == [
        ("A", "savers", D1, D2, False),
        ("A", "digital", D2, None, True),
        ("B", "travellers", D1, None, True),
        ("C", "savers", D1, D2, False),        # left the snapshot (e.g. merged by identity)
        ("D", "savers", D2, None, True),
    ]


def test_rerunning_a_logical_date_replaces_its_versions_instead_of_adding_more(
        settings, lake, duckdb_engine) -> None:
    snapshot(lake, D1, [("A", "savers", "h1")])
    apply(settings, lake, duckdb_engine, D1)
    snapshot(lake, D2, [("A", "digital", "h1x")])
    apply(settings, lake, duckdb_engine, D2)
    # The D2 snapshot is corrected and D2 rerun: A is back to its D1 state.
    snapshot(lake, D2, [("A", "savers", "h1")])
    assert apply(settings, lake, duckdb_engine, D2) == [("A", "savers", D1, None, True)]
    assert apply(settings, lake, duckdb_engine, D2) == [("A", "savers", D1, None, True)]


# -- In AWS: the Athena step's statements (DELETE the rerun's versions, MERGE the model) ----

def athena_history(lake, day: date, db) -> list[tuple[object, ...]]:
    """Run the Athena step's statements for `day`, transpiled to DuckDB, on `db`: an
    `analytics` schema holding the profile (snapshot_date a column, as in the
    unpartitioned Iceberg table) and the history table Terraform created empty."""
    import sqlglot

    from c360.dimensions.history import TABLE, empty_history_sql
    from c360.models import load_model
    from c360.orchestration.asl import athena_statements

    profile = Path(lake.location("c360_customer_profile"))
    db.execute("create schema if not exists analytics; set schema = 'analytics'")
    db.execute("create or replace table c360_customer_profile as select * from read_parquet("
               f"'{profile}/*/*.parquet', hive_partitioning = true)")
    empty = empty_history_sql(load_model("athena", TABLE), {"logical_date": day})
    db.execute(f"create table if not exists {TABLE} as "
               + sqlglot.transpile(empty, read="trino", write="duckdb")[0])
    for statement in athena_statements(TABLE):
        sql = (statement.replace("${analytics_database}", "analytics")
               .replace("@@c360:logical_date@@", day.isoformat()))
        db.execute(sqlglot.transpile(sql, read="trino", write="duckdb")[0])
    return db.execute(f"select customer_id, segment_name, valid_from, valid_to, is_current "
                      f"from {TABLE} order by customer_id, valid_from").fetchall()


def test_the_athena_merge_keeps_the_history_the_local_step_builds(
        settings, lake, duckdb_engine) -> None:
    import duckdb

    db = duckdb.connect()
    days = [
        (D1, [("A", "savers", "h1"), ("B", "travellers", "h2"), ("C", "savers", "h3")]),
        (D2, [("A", "digital", "h1x"), ("B", "travellers", "h2"), ("D", "savers", "h4")]),
        # D2 corrected and rerun: A is back to its D1 state, B changes instead.
        (D2, [("A", "savers", "h1"), ("B", "families", "h2x"), ("D", "savers", "h4")]),
    ]
    for day, rows in days:
        snapshot(lake, day, rows)
        assert athena_history(lake, day, db) == apply(settings, lake, duckdb_engine, day)
    assert athena_history(lake, D2, db) == [
        ("A", "savers", D1, None, True),
        ("B", "travellers", D1, D2, False),
        ("B", "families", D2, None, True),
        ("C", "savers", D1, D2, False),
        ("D", "savers", D2, None, True),
    ]
