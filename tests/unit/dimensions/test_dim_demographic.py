"""dim_customer_demographic (HiveQL): age at the logical date, bands, latest CRM facts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from lakebuild import by_customer, run, write_golden, write_stage, write_xref


def test_age_counts_a_birthday_from_its_day_and_bands_follow_it(lake, duckdb_engine) -> None:
    write_golden(lake, [
        {"customer_id": "A", "birth_date": date(1980, 11, 25), "state": "NY"},   # 46 today
        {"customer_id": "B", "birth_date": date(1980, 11, 26), "state": "TX"},   # 45 tomorrow
        {"customer_id": "C", "birth_date": date(2002, 2, 28), "state": "WA"},
        {"customer_id": "D", "birth_date": None, "state": None},
    ])
    write_xref(lake, [("crm", "X", "A")])
    write_stage(lake, "crm_customers", [])
    rows = by_customer(run(duckdb_engine, "hive", "dim_customer_demographic"))
    summary = {c: (r["age"], r["age_band"], r["life_stage"], r["region"])
               for c, r in rows.items()}
    assert summary == {
        "A": (46, "45-54", "established", "northeast"),
        "B": (45, "45-54", "established", "south"),
        "C": (24, "18-24", "young_adult", "west"),
        "D": (None, "unknown", "unknown", "unknown"),
    }


def test_occupation_and_income_come_from_the_newest_crm_record_stating_them(
        lake, duckdb_engine) -> None:
    write_golden(lake, [{"customer_id": "A", "birth_date": date(1990, 1, 1), "state": "OH"}])
    write_xref(lake, [("crm", "CRM-1", "A"), ("crm", "CRM-2", "A")])
    write_stage(lake, "crm_customers", [
        {"crm_customer_id": "CRM-1", "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
         "occupation": "Teacher", "annual_income": Decimal("52000.00")},
        {"crm_customer_id": "CRM-2", "updated_at": datetime(2026, 6, 1, tzinfo=UTC),
         "occupation": "Professor", "annual_income": None},
    ])
    a = by_customer(run(duckdb_engine, "hive", "dim_customer_demographic"))["A"]
    assert (a["occupation"], a["income_band"]) == ("Professor", "middle")
