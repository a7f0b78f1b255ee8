"""`c360.lake_files`: the Hadoop file system path (Glue/EMR) on `file://` URIs."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from c360.lake import LAYERS, STAGING, Lake
from c360.lake_files import HadoopFiles, data_files

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def hadoop() -> HadoopFiles:
    from c360.engine.spark_engine import local_spark_session

    return HadoopFiles(local_spark_session())


def _parquet(path: Path, ids: list[int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"id": ids}), path)


def test_a_folder_is_listed_as_file_uris_and_its_hidden_entries_are_not_data(
        hadoop: HadoopFiles, tmp_path: Path) -> None:
    table = tmp_path / "stg_events"
    _parquet(table / "day=1" / "part-0.parquet", [1, 2])
    _parquet(table / "part-1.parquet", [3])
    (table / "_SUCCESS").write_text("")
    _parquet(table / ".staging" / "part-9.parquet", [9])
    uri = f"file://{table}"

    assert hadoop.files_under(uri) == [f"{uri}/.staging/part-9.parquet", f"{uri}/_SUCCESS",
                                       f"{uri}/day=1/part-0.parquet", f"{uri}/part-1.parquet"]
    assert hadoop.entries(uri) == ["day=1", "part-1.parquet"]
    assert data_files(hadoop, uri) == [f"{uri}/day=1/part-0.parquet", f"{uri}/part-1.parquet"]
    assert hadoop.parquet_rows(data_files(hadoop, uri)) == 3
    assert hadoop.has_data(uri)
    assert not hadoop.has_data(f"file://{tmp_path}/missing")
    assert hadoop.files_under(f"file://{tmp_path}/missing") == []


def test_replace_puts_the_staged_folder_where_the_old_one_was(
        hadoop: HadoopFiles, tmp_path: Path) -> None:
    _parquet(tmp_path / "final" / "old.parquet", [1])
    _parquet(tmp_path / "staged" / "new.parquet", [2])

    hadoop.replace(f"file://{tmp_path}/staged", f"file://{tmp_path}/final")

    assert sorted(p.name for p in (tmp_path / "final").iterdir()) == ["new.parquet"]
    assert not (tmp_path / "staged").exists()


def test_move_replaces_the_target_file_and_delete_ignores_what_is_absent(
        hadoop: HadoopFiles, tmp_path: Path) -> None:
    _parquet(tmp_path / "a.parquet", [1])
    _parquet(tmp_path / "b.parquet", [2, 3])

    hadoop.move(f"file://{tmp_path}/b.parquet", f"file://{tmp_path}/a.parquet")
    hadoop.delete(f"file://{tmp_path}/never-there")

    assert pq.read_table(tmp_path / "a.parquet").column("id").to_pylist() == [2, 3]
    assert not (tmp_path / "b.parquet").exists()


def test_a_table_computed_in_python_is_written_through_hadoop_on_a_uri_lake(
        tmp_path: Path) -> None:
    from c360.engine.spark_engine import SparkEngine, local_spark_session

    session = local_spark_session()
    lake = Lake.from_uris({layer: f"file://{tmp_path}/{layer}" for layer in LAYERS},
                          files=HadoopFiles(session))
    rows = pa.table({"customer_id": ["C1", "C2"], "segment": [3, 1]})
    with SparkEngine(lake, session=session) as engine:
        assert engine.write_arrow("dim_customer_segments", rows) == 2
        back = engine.query("select customer_id, segment from dim_customer_segments "
                            "order by customer_id")

    assert back.to_pylist() == [{"customer_id": "C1", "segment": 3},
                                {"customer_id": "C2", "segment": 1}]
    table = tmp_path / "analytics" / "dim_customer_segments"
    assert sorted(p.name for p in table.iterdir() if not p.name.startswith(".")) == [
        "part-00000.parquet"]
    assert list((tmp_path / "analytics" / STAGING).iterdir()) == []


def test_a_lake_given_as_s3_uris_without_a_file_system_says_what_it_needs() -> None:
    lake = Lake.from_uris({layer: f"s3://c360-dev-{layer}" for layer in LAYERS})

    with pytest.raises(ValueError, match=r"pass Lake.from_uris a file system "
                                         r"\(c360.lake_files.HadoopFiles\(spark\)\)"):
        lake.exists("stg_crm_customers")
