"""Golden record: per-attribute survivorship from the settings, with provenance."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from c360.engine.duckdb_engine import DuckDBEngine
from c360.identity.golden import build_golden
from c360.identity.settings import AttributeRule

PERSON_COLUMNS = ("first_name", "last_name", "birth_date", "national_id", "email", "phone",
                  "address_line", "city", "state", "postal_code")


def write_inputs(engine: DuckDBEngine, rows: list[dict]) -> None:
    """int_person_records rows (with a customer_id) and the matching int_customer_xref."""
    types = {"birth_date": pa.date32(), "observed_at": pa.timestamp("us", tz="UTC")}
    columns = ("source_system", "source_key", *PERSON_COLUMNS, "observed_at")
    engine.write_arrow("int_person_records", pa.table(
        {c: pa.array([r.get(c) for r in rows], types.get(c, pa.string())) for c in columns}))
    engine.write_arrow("int_customer_xref", pa.table({
        "source_system": [r["source_system"] for r in rows],
        "source_key": [r["source_key"] for r in rows],
        "customer_id": [r["customer_id"] for r in rows],
        "valid_from": pa.array([date(2026, 11, 25)] * len(rows), pa.date32()),
        "valid_to": pa.nulls(len(rows), pa.date32()),
    }))


def golden(engine: DuckDBEngine, settings) -> dict[str, dict]:
    build_golden(engine, settings, {"logical_date": date(2026, 11, 25), "run_id": "t"})
    rows = engine.query("select * from int_customer_golden", "duckdb").to_pylist()
    return {r["customer_id"]: r for r in rows}


def at(day: int) -> datetime:
    return datetime(2026, 11, day, tzinfo=UTC)


@pytest.fixture
def robert(duckdb_engine):
    write_inputs(duckdb_engine, [
        {"customer_id": "C1", "source_system": "crm", "source_key": "CRM-1",
         "first_name": "Bob", "last_name": "Diaz", "email": "bob@example.com",
         "phone": "6175550100", "address_line": "9 New St", "city": "Boston", "state": "MA",
         "postal_code": "02110", "observed_at": at(20)},
        {"customer_id": "C1", "source_system": "core_banking", "source_key": "1001",
         "first_name": " Robert ", "last_name": "Diaz", "birth_date": date(1970, 5, 6),
         "national_id": "123-45-6789", "email": "rdiaz@example.com", "phone": None,
         "address_line": "1 Old Rd", "city": "Quincy", "state": "MA", "postal_code": "02169",
         "observed_at": at(1)},
        {"customer_id": "C1", "source_system": "mainframe_loyalty", "source_key": "77",
         "first_name": "ROBERT", "last_name": "DIAZ", "birth_date": date(1970, 6, 5),
         "postal_code": "02169", "observed_at": at(24)},
    ])
    return duckdb_engine


def test_golden_takes_a_name_from_the_most_trusted_source_and_names_that_record(robert, shipped):
    row = golden(robert, shipped)["C1"]
    assert (row["first_name"], row["first_name_source"], row["first_name_source_key"]) == (
        "Robert", "core_banking", "1001")
    assert (row["birth_date"], row["birth_date_source"]) == (date(1970, 5, 6), "core_banking")


def test_golden_skips_a_trusted_source_that_has_no_value(robert, shipped):
    row = golden(robert, shipped)["C1"]
    assert (row["phone"], row["phone_source"], row["phone_source_key"]) == (
        "6175550100", "crm", "CRM-1")


def test_golden_takes_the_whole_address_from_the_newest_record_when_recency_comes_first(
        robert, shipped):
    row = golden(robert, shipped)["C1"]
    assert (row["address_line"], row["city"], row["state"], row["postal_code"]) == (
        "9 New St", "Boston", "MA", "02110")
    assert (row["address_source"], row["address_source_key"]) == ("crm", "CRM-1")


def test_golden_follows_a_changed_order_in_the_settings(robert, shipped):
    order = dict(shipped.survivorship)
    order["first_name"] = AttributeRule(order=("recency",), sources=())
    order["birth_date"] = AttributeRule(order=("source_priority",),
                                        sources=("mainframe_loyalty", "core_banking"))
    row = golden(robert, replace(shipped, survivorship=order))["C1"]
    assert (row["first_name"], row["first_name_source"]) == ("ROBERT", "mainframe_loyalty")
    assert row["birth_date"] == date(1970, 6, 5)


def test_golden_has_one_row_per_customer_with_the_columns_downstream_models_read(robert, shipped):
    rows = golden(robert, shipped)
    assert list(rows) == ["C1"]
    assert {"customer_id", *PERSON_COLUMNS} <= set(rows["C1"])


def test_golden_ranks_a_record_without_an_observation_time_last_under_recency(
        duckdb_engine, shipped):
    write_inputs(duckdb_engine, [
        {"customer_id": "C2", "source_system": "crm", "source_key": "CRM-2",
         "first_name": "Ann", "phone": "6175550111", "observed_at": None},
        {"customer_id": "C2", "source_system": "call_center", "source_key": "CALL-9",
         "first_name": "Ann", "phone": "6175550122", "observed_at": at(2)},
    ])
    row = golden(duckdb_engine, shipped)["C2"]
    assert (row["phone"], row["phone_source"], row["phone_source_key"]) == (
        "6175550122", "call_center", "CALL-9")


def test_golden_prefers_the_most_complete_record_then_the_smallest_source_key(
        duckdb_engine, shipped):
    order = dict(shipped.survivorship)
    order["birth_date"] = AttributeRule(order=("completeness",), sources=())
    write_inputs(duckdb_engine, [
        {"customer_id": "C3", "source_system": "mainframe_loyalty", "source_key": "12",
         "birth_date": date(1980, 1, 2), "observed_at": at(3)},
        {"customer_id": "C3", "source_system": "mainframe_loyalty", "source_key": "11",
         "first_name": "Eve", "birth_date": date(1980, 2, 1), "observed_at": at(3)},
        {"customer_id": "C3", "source_system": "mainframe_loyalty", "source_key": "10",
         "first_name": "Eve", "birth_date": date(1980, 3, 1), "observed_at": at(3)},
    ])
    row = golden(duckdb_engine, replace(shipped, survivorship=order))["C3"]
    assert (row["birth_date"], row["birth_date_source_key"]) == (date(1980, 3, 1), "10")
