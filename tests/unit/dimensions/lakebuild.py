"""Hand-built lake tables for dimension tests: a few rows, typed like the real ones.

Stage tables take their schema from the data contracts, so a test states only the
columns it cares about; every other column is NULL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from c360.contracts import load_contracts
from c360.engine import Engine
from c360.lake import Lake
from c360.models import load_model

LOGICAL_DATE = date(2026, 11, 25)
PARAMS = {"logical_date": LOGICAL_DATE, "run_id": "daily-2026-11-25"}

_SIMPLE = {
    "string": pa.string(),
    "bigint": pa.int64(),
    "integer": pa.int32(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "boolean": pa.bool_(),
}

GOLDEN_SCHEMA = pa.schema([
    ("customer_id", pa.string()), ("first_name", pa.string()), ("last_name", pa.string()),
    ("birth_date", pa.date32()), ("national_id", pa.string()), ("email", pa.string()),
    ("phone", pa.string()), ("address_line", pa.string()), ("city", pa.string()),
    ("state", pa.string()), ("postal_code", pa.string()),
])
XREF_SCHEMA = pa.schema([
    ("source_system", pa.string()), ("source_key", pa.string()), ("customer_id", pa.string()),
])


def arrow_type(contract_type: str) -> pa.DataType:
    match = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", contract_type)
    if match:
        return pa.decimal128(int(match.group(1)), int(match.group(2)))
    return _SIMPLE[contract_type]


def stage_schema(dataset: str) -> pa.Schema:
    contract = load_contracts()[dataset]
    fields = [(c.name, arrow_type(c.type)) for c in contract.columns]
    return pa.schema([*fields, ("_source_file", pa.string())])


def write(lake: Lake, table: str, schema: pa.Schema, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write `rows` (missing columns NULL) as the lake table `table`."""
    unknown = {k for row in rows for k in row} - set(schema.names)
    if unknown:
        raise KeyError(f"{table}: no such column(s) {sorted(unknown)}")
    data = pa.Table.from_pylist([{n: row.get(n) for n in schema.names} for row in rows],
                                schema=schema)
    folder = Path(lake.location(table))
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, folder / "part-00000.parquet")


def write_stage(lake: Lake, dataset: str, rows: Sequence[Mapping[str, Any]]) -> None:
    write(lake, f"stg_{dataset}", stage_schema(dataset), rows)


def write_xref(lake: Lake, links: Sequence[tuple[str, str, str]]) -> None:
    """(source_system, source_key, customer_id) triples."""
    write(lake, "int_customer_xref", XREF_SCHEMA,
          [{"source_system": s, "source_key": k, "customer_id": c} for s, k, c in links])


def write_golden(lake: Lake, rows: Sequence[Mapping[str, Any]]) -> None:
    write(lake, "int_customer_golden", GOLDEN_SCHEMA, rows)


def run(engine: Engine, kind: str, table: str, order_by: str = "customer_id",
        params: Mapping[str, object] | None = None) -> list[dict[str, Any]]:
    """Run one model on the engine and return its rows as dicts, ordered."""
    model = load_model(kind, table)
    engine.run_model(model, params or PARAMS)
    return engine.query(f"select * from {table} order by {order_by}", engine.dialect).to_pylist()


def by_customer(rows: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(r["customer_id"]): r for r in rows}
