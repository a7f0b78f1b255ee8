"""Spark and DuckDB produce identical STAGE and ANALYTICS tables from the same sources."""

from __future__ import annotations

import duckdb
import pytest

from c360.lake import Lake

# The whole pipeline twice (~3 min): CI runs it; `make test` on a laptop leaves it out.
pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _tables(settings) -> list[str]:
    lake = Lake.local(settings.lake_root)
    names = []
    for layer in ("stage", "analytics"):
        root = lake.root / layer
        names += sorted(p.name for p in root.iterdir() if not p.name.startswith("."))
    return names


def test_both_engines_produce_the_same_tables(duckdb_run, spark_run) -> None:
    assert _tables(duckdb_run[0]) == _tables(spark_run[0])


def test_every_table_has_identical_rows_on_both_engines(duckdb_run, spark_run) -> None:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    differing = {}
    for name in _tables(duckdb_run[0]):
        a = f"read_parquet('{Lake.local(duckdb_run[0].lake_root).location(name)}/**/*.parquet')"
        b = f"read_parquet('{Lake.local(spark_run[0].lake_root).location(name)}/**/*.parquet')"
        columns = sorted(r[0] for r in con.execute(f"describe select * from {a}").fetchall())
        cols = ", ".join(f'"{c}"' for c in columns)
        only_a = con.execute(f"select count(*) from (select {cols} from {a} except all "
                             f"select {cols} from {b})").fetchone()[0]
        only_b = con.execute(f"select count(*) from (select {cols} from {b} except all "
                             f"select {cols} from {a})").fetchone()[0]
        if only_a or only_b:
            differing[name] = (only_a, only_b)
    assert differing == {}


def test_column_types_agree_on_both_engines(duckdb_run, spark_run) -> None:
    con = duckdb.connect()
    mismatched = {}
    for name in _tables(duckdb_run[0]):
        types = []
        for settings in (duckdb_run[0], spark_run[0]):
            loc = Lake.local(settings.lake_root).location(name)
            types.append(dict(con.execute(
                f"select column_name, column_type from (describe select * from "
                f"read_parquet('{loc}/**/*.parquet'))").fetchall()))
        if types[0] != types[1]:
            mismatched[name] = {c: (types[0].get(c), types[1].get(c))
                                for c in types[0] if types[0].get(c) != types[1].get(c)}
    assert mismatched == {}


def test_the_spark_run_leaves_athena_and_glue_python_steps_to_duckdb(spark_run) -> None:
    ran_on = {(s.kind, s.engine) for s in spark_run[1].steps}

    assert ran_on == {("lambda", "spark"), ("glue_spark", "spark"), ("emr_spark", "spark"),
                      ("emr_hive", "spark"), ("athena", "duckdb"), ("glue_python", "duckdb")}
