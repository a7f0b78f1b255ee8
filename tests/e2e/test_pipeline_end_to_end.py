"""The daily pipeline end to end on a few hundred generated customers (DuckDB)."""

from __future__ import annotations

import json

import duckdb
import pytest

from c360.lake import Lake

PERSON_STAGE_TABLES = {
    "crm": ("stg_crm_customers", "crm_customer_id"),
    "core_banking": ("stg_core_banking_customers", "cast(customer_number as varchar)"),
    "mainframe_loyalty": ("stg_mainframe_loyalty", "member_number"),
    "mainframe_cards": ("stg_mainframe_cards", "national_id || ':' || card_number_last4"),
    "call_center": ("stg_call_center_contacts", "contact_id"),
}


def table(settings, name: str) -> str:
    return f"read_parquet('{Lake.local(settings.lake_root).location(name)}/**/*.parquet')"


def test_every_step_of_the_daily_schedule_succeeds(duckdb_run) -> None:
    _, manifest = duckdb_run
    assert manifest.status == "succeeded"
    assert [s.status for s in manifest.steps] == ["succeeded"] * len(manifest.steps)
    steps = {s.step for s in manifest.steps}
    assert {"c360_customer_profile", "sbx_c360_customer_profile"} <= steps


def test_conform_counts_reconcile_for_every_dataset(duckdb_run) -> None:
    _, manifest = duckdb_run
    conform = [s for s in manifest.steps if s.step.startswith("stg_")]
    assert len(conform) == 9
    for step in conform:
        assert step.rows_in == step.rows_out + step.rows_quarantined, step.step


@pytest.mark.parametrize("source_system", sorted(PERSON_STAGE_TABLES))
def test_every_staged_person_record_maps_to_exactly_one_customer_id(duckdb_run, source_system):
    settings, _ = duckdb_run
    stage, key = PERSON_STAGE_TABLES[source_system]
    con = duckdb.connect()
    unmapped, multi = con.execute(f"""
        with keys as (select distinct {key} as source_key from {table(settings, stage)}),
        xref as (select source_key, count(distinct customer_id) as ids
                 from {table(settings, 'int_customer_xref')}
                 where source_system = '{source_system}' group by source_key)
        select count(*) filter (where x.ids is null), count(*) filter (where x.ids > 1)
        from keys k left join xref x using (source_key)
    """).fetchone()
    assert (unmapped, multi) == (0, 0)


def test_profile_has_one_row_per_customer_id(duckdb_run) -> None:
    settings, _ = duckdb_run
    con = duckdb.connect()
    rows, customers, xref_customers = con.execute(f"""
        select count(*), count(distinct customer_id),
               (select count(distinct customer_id) from {table(settings, 'int_customer_xref')})
        from {table(settings, 'c360_customer_profile')}
    """).fetchone()
    assert rows == customers == xref_customers


def test_profile_is_partitioned_by_the_logical_date(duckdb_run) -> None:
    settings, _ = duckdb_run
    location = Lake.local(settings.lake_root).location("c360_customer_profile")
    partitions = sorted(p.name for p in __import__("pathlib").Path(location).iterdir())
    assert partitions == ["snapshot_date=2026-11-25"]


def test_run_manifest_is_written_last_with_every_step(duckdb_run) -> None:
    settings, manifest = duckdb_run
    latest = json.loads((settings.lake_root / "_runs" / "latest.json").read_text())
    assert latest["run_id"] == "daily-2026-11-25"
    assert [s["step"] for s in latest["steps"]] == [s.step for s in manifest.steps]
