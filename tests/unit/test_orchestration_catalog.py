"""The Glue model-table manifest: which tables, their partitions, and the column order
the Athena and Hive steps insert by."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from c360.models import load_model
from c360.orchestration import catalog
from c360.orchestration.asl import _output_columns
from c360.pipeline.definition import ALL, Step
from c360.resources import repo_root


def noop(ctx: Any) -> Any:
    return None


def step(name: str, outputs: tuple[str, ...], kind: str = "emr_spark") -> Step:
    return Step(name=name, kind=kind, input_tables=(), outputs=outputs, schedules=ALL,  # type: ignore[arg-type]
                run=noop, resource="run_model")


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return json.loads((repo_root() / catalog.MANIFEST_PATH).read_text(encoding="utf-8"))


def write(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def test_model_tables_are_the_int_fct_dim_c360_and_sbx_outputs_of_every_step() -> None:
    steps = [
        step("stg_crm_customers", ("stg_crm_customers", "quarantine_crm_customers"), "glue_spark"),
        step("int_customer_xref", ("int_customer_xref", "int_identity_links")),
        step("ddb_customer_profile", ("ddb_customer_profile",), "glue_python"),
        step("sbx_fct_contacts", ("sbx_fct_contacts",), "glue_python"),
    ]
    found = {table: s.name for table, s in catalog.model_tables(steps).items()}
    assert found == {"int_customer_xref": "int_customer_xref",
                     "int_identity_links": "int_customer_xref",
                     "sbx_fct_contacts": "sbx_fct_contacts"}


def test_a_date_folder_level_is_a_date_partition_key_outside_the_columns(tmp_path: Path) -> None:
    table = tmp_path / "fct_x"
    write(table / "snapshot_date=2026-11-25" / "data_0.parquet",
          pa.table({"customer_id": ["c1"], "amount": pa.array([1], pa.int64())}))
    schema, partitions = catalog.table_schema(table)
    assert (schema.names, partitions) == (["customer_id", "amount"], [("snapshot_date", "date")])


def test_a_folder_level_of_text_values_is_a_string_partition_key(tmp_path: Path) -> None:
    table = tmp_path / "fct_x"
    write(table / "region=eu" / "part-0.parquet", pa.table({"n": [1]}))
    write(table / "region=2026-13-01" / "part-0.parquet", pa.table({"n": [2]}))
    assert catalog.table_schema(table)[1] == [("region", "string")]


def test_files_under_hidden_folders_are_not_read(tmp_path: Path) -> None:
    table = tmp_path / "fct_x"
    write(table / "part-0.parquet", pa.table({"n": [1]}))
    write(table / ".staging" / "region=eu" / "part-0.parquet", pa.table({"other": ["x"]}))
    schema, partitions = catalog.table_schema(table)
    assert (schema.names, partitions) == (["n"], [])


def test_a_table_no_run_wrote_and_no_code_declares_is_an_error(tmp_path: Path) -> None:
    steps = [step("int_unwritten", ("int_unwritten",))]
    with pytest.raises(catalog.CatalogManifestError, match="int_unwritten .*no run wrote it"):
        catalog.build_manifest(tmp_path / "lake", steps)


def test_int_identity_model_takes_its_columns_from_the_schema_its_writer_declares(
        tmp_path: Path) -> None:
    steps = [step("int_identity_model", ("int_identity_model",))]
    entry = catalog.build_manifest(tmp_path / "lake", steps)["tables"]["int_identity_model"]
    assert (entry["columns_from"], [c["name"] for c in entry["columns"]][:3]) == (
        "code: c360.identity.model_store.SCHEMA", ["comparison", "level", "label"])


def test_every_athena_written_table_is_an_analytics_table(committed: dict[str, Any]) -> None:
    layers = {t["layer"] for t in committed["tables"].values() if t["writer"] == "athena"}
    assert layers == {"analytics"}


def test_athena_and_hive_tables_list_columns_in_the_models_select_order(
        committed: dict[str, Any]) -> None:
    """Athena's INSERT and Hive's INSERT OVERWRITE map columns by position, and the
    Iceberg tables carry their partition keys as their last columns: where a model's
    output columns can be read from its SQL, they are the manifest's, in order."""
    checked = []
    for table, entry in committed["tables"].items():
        if entry["writer"] not in ("athena", "emr_hive"):
            continue
        kind = "athena" if entry["writer"] == "athena" else "hive"
        selected = _output_columns(load_model(kind, table).parse())
        assert selected, f"{table}: output columns not read from the SQL"
        checked.append(table)
        columns = [c["name"] for c in entry["columns"] + entry["partition_keys"]]
        if "*" in selected:  # `select *, x from cte`: only the tail is known
            tail = selected[selected.index("*") + 1:]
            assert columns[len(columns) - len(tail):] == tail, table
        else:
            assert columns == selected, table
    # The nine Athena models (the history's columns read from its UNION's first branch)
    # and the Hive one.
    assert len(checked) == 10 and "c360_customer_profile_history" in checked
