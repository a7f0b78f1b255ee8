"""No sandbox table holds a raw identifier: every column of every sbx_ table is scanned.

A small generated population runs through the whole daily pipeline (DuckDB); then
every value of every `sbx_*` table is compared with the raw direct identifiers of the
sources (names, emails, phones, national ids, addresses) and with each customer's own
full birth date.
"""

from __future__ import annotations

from datetime import date, datetime

import pyarrow.dataset as ds
import pytest

from c360.config import Settings
from c360.contracts import load_contracts
from c360.lake import Lake
from c360.pipeline.runner import run_pipeline
from c360.sandbox.masking import POLICIES, token

LOGICAL_DATE = date(2026, 11, 25)
KEY = "scan-test-key"


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    from c360.sources.generator import generate

    base = tmp_path_factory.mktemp("sandbox")
    generate(base / "sources", customers=150, seed=11, logical_date=LOGICAL_DATE)
    settings = Settings(lake_root=base / "lake", sandbox_key=KEY)
    run_pipeline(settings, LOGICAL_DATE, base / "sources", "daily")
    return Lake.local(base / "lake")


def _rows(lake: Lake, table: str) -> list[dict[str, object]]:
    return ds.dataset(lake.location(table), format="parquet", partitioning="hive").to_table(
    ).to_pylist()


def _direct_identifiers(lake: Lake) -> set[str]:
    values: set[str] = set()
    for contract in load_contracts().values():
        direct = [c.name for c in contract.columns if c.pii == "direct"]
        if not direct or not lake.exists(contract.stage_table):
            continue
        for row in _rows(lake, contract.stage_table):
            values.update(str(row[c]).strip() for c in direct if row[c] not in (None, ""))
    for row in _rows(lake, "int_customer_golden"):
        values.update(str(row[c]) for c in ("first_name", "last_name", "email", "phone",
                                             "national_id", "address_line") if row[c])
    return values


def test_every_sandbox_table_was_written(lake: Lake) -> None:
    assert sorted(p.target for p in POLICIES if lake.exists(p.target)) == sorted(
        p.target for p in POLICIES)


def test_no_sandbox_cell_equals_or_contains_a_raw_direct_identifier(lake: Lake) -> None:
    raw = _direct_identifiers(lake)
    long_values = {v for v in raw if len(v) >= 7}   # emails, phones, ids, addresses
    assert len(raw) > 500
    leaks: list[str] = []
    for policy in POLICIES:
        for row in _rows(lake, policy.target):
            for column, value in row.items():
                if not isinstance(value, str):
                    continue
                if value in raw or any(v in value for v in long_values if len(value) >= 7):
                    leaks.append(f"{policy.target}.{column}={value!r}")
    assert leaks == []


def test_no_sandbox_row_holds_its_customers_full_birth_date(lake: Lake) -> None:
    birth = {token(KEY.encode(), str(r["customer_id"])): r["birth_date"]
             for r in _rows(lake, "int_customer_golden") if r["birth_date"]}
    seen = 0
    for row in _rows(lake, "sbx_c360_customer_profile"):
        born = birth.get(str(row["customer_id"]))
        if born is None:
            continue
        seen += 1
        for column, value in row.items():
            as_date = value.date() if isinstance(value, datetime) else value
            assert not (isinstance(as_date, date) and as_date == born), column
            assert not (isinstance(value, str) and born.isoformat() in value), column
    assert seen > 50


def test_sandbox_customer_tokens_join_across_sandbox_tables(lake: Lake) -> None:
    profile = {r["customer_id"] for r in _rows(lake, "sbx_c360_customer_profile")}
    spenders = {r["customer_id"] for r in _rows(lake, "sbx_fct_transactions_monthly")}
    assert spenders and spenders <= profile
