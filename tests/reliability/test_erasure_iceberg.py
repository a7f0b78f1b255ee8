"""Erasure never rewrites an Iceberg table's data files (the Athena-written tables in AWS).

Iceberg's manifests record each data file's size and row count, and the Athena steps'
position-delete files point at row positions inside them: a file rewritten in place
breaks the table or hides other customers' rows. Until erasure deletes through Athena,
it stops before purging anything when a table layer holds an Iceberg table, and says so.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from c360.config import Settings
from c360.ingest.store import LocalStore
from c360.privacy.erase import ErasureError, Targets, erase, iceberg_tables
from c360.privacy.ledger import ErasureLedger

EMAIL = "teresa.young@example.com"


def _parquet(path: Path, rows: dict[str, list[object]]) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(rows), path)
    return path.read_bytes()


def test_iceberg_tables_are_the_folders_with_a_metadata_json(tmp_path: Path) -> None:
    analytics = tmp_path / "analytics"
    _parquet(analytics / "dim_customer_loyalty" / "data" / "00000-0-a1.parquet",
             {"customer_id": ["C0000000001"]})
    (analytics / "dim_customer_loyalty" / "metadata").mkdir()
    (analytics / "dim_customer_loyalty" / "metadata" / "00002-b7.metadata.json").write_text("{}")
    _parquet(analytics / "fct_digital_sessions" / "part-00000.parquet",
             {"customer_id": ["C0000000001"]})
    (analytics / "fct_contacts" / "metadata").mkdir(parents=True)  # a column folder, no table
    (analytics / "fct_contacts" / "metadata" / "notes.txt").write_text("not Iceberg")

    assert iceberg_tables(LocalStore(analytics)) == ["dim_customer_loyalty"]


def test_erasure_stops_before_purging_a_lake_that_holds_iceberg_tables(tmp_path: Path) -> None:
    settings = Settings(lake_root=tmp_path)
    data_file = (tmp_path / "analytics" / "c360_customer_profile" / "data" /
                 "00000-0-f3.parquet")
    before = _parquet(data_file, {"customer_id": ["C0000000001"], "email": [EMAIL]})
    (data_file.parent.parent / "metadata").mkdir()
    (data_file.parent.parent / "metadata" / "00001-c2.metadata.json").write_text("{}")
    stage_file = tmp_path / "stage" / "stg_crm_customers" / "part-00000.parquet"
    stage_before = _parquet(stage_file, {"record_id": ["CRM-0000005"], "email": [EMAIL]})
    targets = Targets.local(settings)

    with pytest.raises(ErasureError) as refused:
        erase(settings, "email", EMAIL, "dpo-ticket-7", targets)

    ledger = ErasureLedger(targets.stores["raw"])
    (pending,) = ledger.pending()
    assert str(refused.value) == (
        "analytics/c360_customer_profile: Iceberg tables (written by Athena in AWS). Erasure "
        "rewrites Parquet files and would break an Iceberg table, and it cannot delete through "
        f"Athena yet, so it purged nothing. The request is recorded ({pending.request_id}): "
        "deliveries of this person are already dropped at ingest (docs/operations.md, Erasure "
        "in AWS).")
    assert data_file.read_bytes() == before  # the Iceberg data file is untouched
    assert stage_file.read_bytes() == stage_before  # and so is every other table
    ledger_files = [f for f in (tmp_path / "raw" / "_erasure").rglob("*") if f.is_file()]
    assert ledger_files and not [f for f in ledger_files if EMAIL.encode() in f.read_bytes()]
