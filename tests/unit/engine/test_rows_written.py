"""What a write or a materialization reports: the rows it produced (from the Parquet
footers on Spark, without a count job)."""

from __future__ import annotations

TABLE = "c360_customer_snapshot"


def _snapshot(engine, day: str, customers: list[str]) -> int:
    rows = " union all ".join(f"select '{c}' as customer_id" for c in customers)
    return engine.write_table(
        TABLE, f"select customer_id, cast('{day}' as date) as snapshot_date from ({rows})",
        "spark", partition={"snapshot_date": day})


def test_a_partition_write_returns_the_rows_of_that_partition(engine) -> None:
    assert _snapshot(engine, "2026-11-24", ["A", "B"]) == 2
    assert _snapshot(engine, "2026-11-25", ["A", "B", "C"]) == 3
    assert engine.count(TABLE) == 5


def test_rewriting_a_partition_returns_its_new_rows(engine) -> None:
    _snapshot(engine, "2026-11-25", ["A", "B", "C"])
    assert _snapshot(engine, "2026-11-25", ["A"]) == 1
    assert engine.count(TABLE) == 1


def test_materialize_returns_the_rows_of_the_view(engine) -> None:
    rows = engine.materialize("conform_events", "select id from (select explode(array(1, 2, 3)) "
                              "as id) where id > 1", "spark")
    try:
        assert rows == 2
        assert engine.count("conform_events") == 2
    finally:
        engine.release("conform_events")
