"""Engine parity: every SQL-model step gives the same table on DuckDB and on Spark.

Inputs are built once on DuckDB (generated sources for a few hundred persons, ingested,
conformed, linked) and copied into two lakes. Then every step from the person
records onwards runs once per engine, each on its own lake, in pipeline order: the
Spark SQL, HiveQL and Trino models (transpiled by sqlglot where the engine is not the
model's own), and the Python steps that read through the engine (segments, sandbox).
Record linkage itself is shared input: its backend is chosen per engine by design.

Tables are compared as sorted rows with exact values: decimals as Decimal with their
scale, floats bit for bit, timestamps as UTC instants; column types must match too
(timestamp unit/zone and string width aside).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from c360.config import Settings
from c360.contracts import load_contracts
from c360.engine.duckdb_engine import DuckDBEngine
from c360.lake import Lake
from c360.pipeline.context import StepContext
from c360.pipeline.definition import Step, steps_for, topological_order
from c360.pipeline.runner import run_pipeline
from c360.pipeline.steps import build_steps

pytestmark = pytest.mark.spark

LOGICAL_DATE = date(2026, 11, 25)
PERSONS = 300
SHARED_STEPS = frozenset({"int_customer_xref"})
"""Steps whose outputs both engines share instead of recomputing (record linkage)."""


def _compared_steps() -> list[Step]:
    declared = build_steps()
    daily = steps_for(declared, "daily")
    earlier = frozenset(o for s in declared if s not in daily for o in s.outputs)
    ordered = topological_order(daily, external=earlier)
    return [s for s in ordered if not s.name.startswith(("raw_", "stg_"))
            and s.name not in SHARED_STEPS]


def _canonical(value: object) -> object:
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, Decimal):
        return ("decimal", str(value))
    if isinstance(value, datetime):
        instant = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return ("timestamp", instant.isoformat())
    if isinstance(value, date):
        return ("date", value.isoformat())
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", value.hex())
    if value is None:
        return ("null", "")
    return (type(value).__name__, value)


def _type_name(dtype: pa.DataType) -> str:
    """Arrow type, with the differences Parquet writers may take liberties with removed."""
    if pa.types.is_timestamp(dtype):
        return "timestamp"
    if pa.types.is_large_string(dtype):
        return "string"
    if pa.types.is_dictionary(dtype):
        return _type_name(dtype.value_type)
    return str(dtype)


def _rows(location: Path) -> tuple[list[str], list[tuple[object, ...]]]:
    table: pa.Table = ds.dataset(str(location), format="parquet", partitioning="hive").to_table()
    names = sorted(table.column_names)
    rows = [tuple(_canonical(row[n]) for n in names) for row in table.to_pylist()]
    return names, sorted(rows, key=repr)


def _types(location: Path) -> dict[str, str]:
    schema = ds.dataset(str(location), format="parquet", partitioning="hive").schema
    return {f.name: _type_name(f.type) for f in schema}


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Lake]]:
    from c360.engine.spark_engine import SparkEngine
    from c360.sources.generator import generate

    base = tmp_path_factory.mktemp("parity")
    sources = base / "sources"
    generate(sources, customers=PERSONS, seed=7, logical_date=LOGICAL_DATE)
    duck_settings = Settings(lake_root=base / "duckdb")
    # Everything up to and including record linkage, once, on DuckDB.
    run_pipeline(duck_settings, LOGICAL_DATE, sources, "daily",
                 only={s.name for s in build_steps() if s.name.startswith(("raw_", "stg_"))}
                 | {"int_person_records"} | SHARED_STEPS)
    spark_root = base / "spark"
    for layer in ("raw", "stage"):
        shutil.copytree(base / "duckdb" / layer, spark_root / layer)
    duck_lake, spark_lake = Lake.local(base / "duckdb"), Lake.local(spark_root)
    engines = {"duckdb": DuckDBEngine(duck_lake), "spark": SparkEngine(spark_lake)}
    contracts = load_contracts()
    for name, engine in engines.items():
        settings = Settings(lake_root=engine.lake.root, engine=name)  # type: ignore[arg-type]
        ctx = StepContext(settings, engine.lake, engine, contracts, "daily-2026-11-25",
                          LOGICAL_DATE, None, base / f"work-{name}")
        for step in _compared_steps():
            step.run(ctx)
    yield {"duckdb": duck_lake, "spark": spark_lake}
    for engine in engines.values():
        engine.close()


COMPARED_TABLES = sorted({o for s in _compared_steps() for o in s.outputs})


@pytest.mark.parametrize("table", COMPARED_TABLES)
def test_engines_produce_identical_table(lakes: dict[str, Lake], table: str) -> None:
    duck_names, duck_rows = _rows(Path(lakes["duckdb"].location(table)))
    spark_names, spark_rows = _rows(Path(lakes["spark"].location(table)))
    assert duck_names == spark_names
    duck_types = _types(Path(lakes["duckdb"].location(table)))
    spark_types = _types(Path(lakes["spark"].location(table)))
    assert {c: (t, spark_types[c]) for c, t in duck_types.items() if t != spark_types[c]} == {}
    assert len(duck_rows) == len(spark_rows)
    assert len(duck_rows) > 0, f"{table} is empty: the comparison would prove nothing"
    for duck_row, spark_row in zip(duck_rows, spark_rows, strict=True):
        if duck_row != spark_row:
            differing = {n: (d, s) for n, d, s in zip(duck_names, duck_row, spark_row, strict=True)
                         if d != s}
            pytest.fail(f"{table}: first differing row, columns (duckdb, spark): {differing}")
