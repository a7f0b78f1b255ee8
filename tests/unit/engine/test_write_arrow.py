"""`Engine.write_arrow`: a table computed in Python lands whole, in one or several files."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import c360.engine.base as engine_base
from c360.engine.duckdb_engine import DuckDBEngine
from c360.lake import Lake

ROWS = pa.table({
    "customer_id": [f"C{n:010d}" for n in range(1, 11)],
    "total_amount": pa.array([n * 10 for n in range(1, 11)], pa.int64()),
})


def _files(lake: Lake, table: str) -> list[str]:
    return sorted(p.name for p in Path(lake.location(table)).glob("*.parquet"))


def test_a_small_table_is_written_as_one_file(tmp_path: Path) -> None:
    lake = Lake.local(tmp_path)
    with DuckDBEngine(lake) as engine:
        assert engine.write_arrow("sbx_fct_transactions_monthly", ROWS) == 10
        assert _files(lake, "sbx_fct_transactions_monthly") == ["part-00000.parquet"]


def test_a_big_table_is_split_into_one_file_per_thread_and_keeps_every_row(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_base, "ARROW_SPLIT_ROWS", 4)
    lake = Lake.local(tmp_path)
    with DuckDBEngine(lake, threads=2) as engine:
        assert engine.write_arrow("sbx_fct_transactions_monthly", ROWS) == 10
        assert _files(lake, "sbx_fct_transactions_monthly") == [
            "part-00000.parquet", "part-00001.parquet"]
        back = engine.query("select customer_id, total_amount from "
                            "sbx_fct_transactions_monthly order by customer_id")
    assert back.to_pylist() == ROWS.to_pylist()
