"""Table writes are atomic for readers and leave nothing a reader trips over when killed."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from c360.config import Settings
from c360.engine.duckdb_engine import DuckDBEngine
from c360.lake import STAGING, Lake, commit_dir, staging_dir_for
from c360.privacy.erase import Targets, apply_pending
from c360.privacy.ledger import ErasureLedger, ErasureRequest


def _folder(path: Path, rows: list[int]) -> Path:
    path.mkdir(parents=True)
    pq.write_table(pa.table({"n": rows}), path / "part-00000.parquet")
    return path


def test_staging_lives_in_the_layer_never_inside_a_table(tmp_path: Path) -> None:
    lake = Lake.local(tmp_path)
    partition = Path(lake.partition_location("c360_customer_profile",
                                             {"snapshot_date": "2026-11-25"}))
    staged = staging_dir_for(partition)
    assert staged.parent == tmp_path / "analytics" / STAGING
    assert not staged.is_relative_to(Path(lake.location("c360_customer_profile")))


def test_commit_replaces_the_table_and_leaves_no_old_copy(tmp_path: Path) -> None:
    final = _folder(tmp_path / "stage" / "stg_x", [1, 2])
    staged = _folder(staging_dir_for(final), [3])
    commit_dir(staged, final)
    assert pq.read_table(final)["n"].to_pylist() == [3]
    assert not staged.exists()
    assert list((tmp_path / "stage" / STAGING).iterdir()) == []


def test_a_write_killed_before_commit_leaves_the_table_readable(tmp_path: Path) -> None:
    lake = Lake.local(tmp_path)
    table = Path(lake.location("c360_customer_profile"))
    _folder(table / "snapshot_date=2026-11-25", [1, 2])
    _folder(staging_dir_for(table / "snapshot_date=2026-11-25"), [9])  # the killed write
    with DuckDBEngine(lake) as engine:
        engine.register_table("c360_customer_profile")
        assert engine.count("c360_customer_profile") == 2
    assert lake.clear_staging() == 1
    assert list((tmp_path / "analytics" / STAGING).iterdir()) == []


def test_a_pending_erasure_is_finished_before_a_run_uses_the_lake(tmp_path: Path) -> None:
    settings = Settings(lake_root=tmp_path)
    targets = Targets.local(settings)
    table = tmp_path / "stage" / "stg_core_banking_customers"
    table.mkdir(parents=True)
    pq.write_table(pa.table({"customer_number": [1000004, 1000005],
                             "email": ["a@x.com", "teresayoung@live.com"]}),
                   table / "part-00000.parquet")
    ledger = ErasureLedger(targets.stores["raw"])
    ledger.record(ErasureRequest("erase-2", "2026-11-26T10:00:00+00:00", "dpo", "email",
                                 ledger.hash_identifiers({"email": ["teresayoung@live.com"]})))
    (report,) = apply_pending(settings, targets)
    assert pq.read_table(table)["customer_number"].to_pylist() == [1000004]
    assert report.by_layer()["stage"] == {"objects": 1, "removed": 1}
    assert ledger.pending() == [] and ledger.is_done("erase-2")
    assert apply_pending(settings, targets) == []

