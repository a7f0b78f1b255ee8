"""The sandbox export as it runs in AWS: the Glue job adapter against S3, Secrets Manager
and the Glue Data Catalog of the emulator (moto server), compared with the local run.
The job runs on what the Glue Python shell gives it: the c360_glue_shell wheel and the
libraries, without the rest of the package.

The demo's ANALYTICS layer is uploaded as it is; the demo ran with the default
`Settings().sandbox_key`, which the secret holds, so every token must equal the
local `sandbox/sbx_<table>`.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import DAY1, REPO, Demo, upload_folder
from pii import population, scan_objects

from c360.build import build_glue_shell_wheel
from c360.config import Settings
from c360.sandbox.masking import POLICIES, token

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("demo-lake")]

PROFILE = "c360_customer_profile"
TABLES = ("c360_customer_profile", "fct_transactions_monthly", "fct_digital_sessions")
ROW_KEYS = {
    "c360_customer_profile": ("customer_id",),
    "fct_transactions_monthly": ("customer_id", "month", "category", "direction"),
    "fct_digital_sessions": ("session_key",),
}
SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
TRANSACTIONS_COLUMNS = [
    {"Name": "customer_id", "Type": "string"},
    {"Name": "month", "Type": "date"},
    {"Name": "category", "Type": "string"},
    {"Name": "direction", "Type": "string"},
    {"Name": "transaction_count", "Type": "bigint"},
    {"Name": "total_amount", "Type": "decimal(18,2)"},
    {"Name": "first_booked_at", "Type": "timestamp"},
    {"Name": "last_booked_at", "Type": "timestamp"},
]


def _keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def _s3_table(s3: Any, bucket: str, key: str) -> pa.Table:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return pq.read_table(io.BytesIO(body))


def _local_sbx(demo: Demo, table: str) -> pa.Table:
    return pq.read_table(demo.lake / "sandbox" / f"sbx_{table}")


def _rows(table: pa.Table, source: str) -> list[dict[str, Any]]:
    """Rows sorted by the table's key (asserted unique, so the order is total)."""
    key = ROW_KEYS[source]
    rows = table.to_pylist()
    assert len({tuple(r[c] for c in key) for r in rows}) == len(rows)
    return sorted(rows, key=lambda r: tuple(r[c] for c in key))


@pytest.fixture
def sandbox_aws(demo: Demo, aws_env, unique_name: str,  # noqa: ANN001
                glue_shell_path: str) -> dict[str, Any]:
    s3, glue = aws_env.client("s3"), aws_env.client("glue")
    buckets = {layer: f"{unique_name}-{layer}" for layer in ("analytics", "sandbox")}
    for bucket in buckets.values():
        s3.create_bucket(Bucket=bucket)
    assert upload_folder(s3, buckets["analytics"], demo.lake / "analytics") > 0
    # What Spark and Athena leave beside the data: never read as rows.
    s3.put_object(Bucket=buckets["analytics"], Key="fct_transactions_monthly/_SUCCESS", Body=b"")
    s3.put_object(Bucket=buckets["analytics"], Key=f"{PROFILE}/snapshot_date=2026-11-25/_SUCCESS",
                  Body=b"")
    databases = {layer: f"{unique_name.replace('-', '_')}_{layer}"
                 for layer in ("analytics", "sandbox")}
    for database in databases.values():
        glue.create_database(DatabaseInput={"Name": database})
    secret = f"{unique_name}/sandbox/masking-key"
    aws_env.client("secretsmanager").create_secret(Name=secret,
                                                   SecretString=Settings().sandbox_key)
    args = [f"--c360-analytics-bucket={buckets['analytics']}",
            f"--c360-analytics-database={databases['analytics']}",
            f"--c360-sandbox-bucket={buckets['sandbox']}",
            f"--c360-sandbox-database={databases['sandbox']}",
            f"--c360-sandbox-key-secret-id={secret}",
            # Glue's own arguments, as a Python shell run gets them: ignored.
            "--job-bookmark-option", "job-bookmark-disable", "--JOB_NAME", "c360-sandbox-export"]
    return {"s3": s3, "glue": glue, "buckets": buckets, "databases": databases, "args": args,
            "env": {**aws_env.env(), "PATH": "/usr/bin:/bin", "PYTHONPATH": glue_shell_path}}


@pytest.fixture(scope="module")
def glue_shell_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What the job's Python sees on Glue's Python shell: the c360_glue_shell wheel (its
    --extra-py-files) and the libraries (pyarrow, boto3), not the rest of the package."""
    wheel = build_glue_shell_wheel(REPO, tmp_path_factory.mktemp("wheel"))
    unpacked = tmp_path_factory.mktemp("glue-shell")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(unpacked)
    return os.pathsep.join([str(unpacked), sysconfig.get_paths()["purelib"],
                            sysconfig.get_paths()["platlib"]])


def _run(aws: dict[str, Any], *extra: str) -> subprocess.CompletedProcess[str]:
    """The job script on the shell wheel alone: `-S` keeps the site's .pth files (the
    editable c360 of the dev environment) off the path, PYTHONPATH puts the wheel first."""
    return subprocess.run([sys.executable, "-S", "jobs/glue/sandbox_export.py", *aws["args"],
                           *extra],
                          cwd=REPO, env=aws["env"], capture_output=True, text=True,
                          timeout=300, check=False)


def _export(aws: dict[str, Any], table: str, *extra: str) -> dict[str, Any]:
    done = _run(aws, "--table", table, *extra)
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def _assert_matches_local(demo: Demo, aws: dict[str, Any], table: str) -> None:
    s3, bucket = aws["s3"], aws["buckets"]["sandbox"]
    assert _keys(s3, bucket, f"sbx_{table}/") == [f"sbx_{table}/part-00000.parquet"]
    written = _s3_table(s3, bucket, f"sbx_{table}/part-00000.parquet")
    local = _local_sbx(demo, table)
    assert written.schema.remove_metadata() == local.schema.remove_metadata()
    assert written.column_names == local.column_names
    assert written.num_rows == local.num_rows
    assert _rows(written, table) == _rows(local, table)


def _catalog_table(aws: dict[str, Any], table: str) -> dict[str, Any]:
    answer = aws["glue"].get_table(DatabaseName=aws["databases"]["sandbox"], Name=f"sbx_{table}")
    found: dict[str, Any] = answer["Table"]
    return found


def test_each_sandbox_table_is_the_local_masked_copy_and_is_in_the_catalog(
        demo: Demo, sandbox_aws: dict[str, Any]) -> None:
    assert tuple(p.source for p in POLICIES) == TABLES
    bucket = sandbox_aws["buckets"]["sandbox"]
    for table in TABLES:
        report = _export(sandbox_aws, table, "--logical-date", DAY1.isoformat(),
                         "--run-id", "run-42")
        local = _local_sbx(demo, table)
        assert report == {
            "table": table, "target": f"sbx_{table}",
            "database": sandbox_aws["databases"]["sandbox"],
            "location": f"s3://{bucket}/sbx_{table}/",
            "rows": local.num_rows, "columns": local.num_columns, "source_objects": 1,
            "snapshot_date": DAY1.isoformat() if table == PROFILE else None,
            "replaced_objects": 0, "catalog": "created", "run_id": "run-42",
        }
        _assert_matches_local(demo, sandbox_aws, table)

        found = _catalog_table(sandbox_aws, table)
        storage = found["StorageDescriptor"]
        assert [c["Name"] for c in storage["Columns"]] == local.column_names
        assert storage["Location"] == f"s3://{bucket}/sbx_{table}/"
        assert storage["InputFormat"] == INPUT_FORMAT
        assert storage["OutputFormat"] == OUTPUT_FORMAT
        assert storage["SerdeInfo"]["SerializationLibrary"] == SERDE
        assert found.get("PartitionKeys", []) == []
        assert found["TableType"] == "EXTERNAL_TABLE"
        source = f"{sandbox_aws['databases']['analytics']}.{table}"
        assert found["Parameters"]["c360.source"] == source
        assert found["Parameters"]["c360.run_id"] == "run-42"

    profile = {c["Name"]: c["Type"] for c in _catalog_table(
        sandbox_aws, PROFILE)["StorageDescriptor"]["Columns"]}
    assert {k: profile[k] for k in ("customer_id", "tenure_months", "loyalty_points",
                                    "deposit_balance", "holds_checking", "credit_utilisation",
                                    "relationship_start_date", "last_session_at",
                                    "snapshot_date")} == {
        "customer_id": "string", "tenure_months": "int", "loyalty_points": "bigint",
        "deposit_balance": "decimal(18,2)", "holds_checking": "boolean",
        "credit_utilisation": "double", "relationship_start_date": "date",
        "last_session_at": "timestamp", "snapshot_date": "date"}
    assert "email" in profile and "birth_date" not in profile and "age" not in profile
    transactions = _catalog_table(sandbox_aws, "fct_transactions_monthly")
    assert transactions["StorageDescriptor"]["Columns"] == TRANSACTIONS_COLUMNS

    # Only the sbx copies were written, and none holds a person's identifiers.
    s3 = sandbox_aws["s3"]
    written = _keys(s3, bucket)
    assert written == sorted(f"sbx_{t}/part-00000.parquet" for t in TABLES)
    needles: dict[str, str] = {}
    for person in population(demo.sources):
        needles.update(person.needles())
    objects = [(k, s3.get_object(Bucket=bucket, Key=k)["Body"].read()) for k in written]
    assert scan_objects(objects, needles) == []


def test_a_rerun_replaces_the_copy_and_updates_the_catalog_table(
        demo: Demo, sandbox_aws: dict[str, Any]) -> None:
    table = "fct_transactions_monthly"
    s3, glue = sandbox_aws["s3"], sandbox_aws["glue"]
    bucket, database = sandbox_aws["buckets"]["sandbox"], sandbox_aws["databases"]["sandbox"]
    # A previous writer's leftovers (a second part, a marker) and a stale catalog entry.
    stale = (demo.lake / "sandbox" / f"sbx_{table}" / "part-00000.parquet").read_bytes()
    s3.put_object(Bucket=bucket, Key=f"sbx_{table}/part-00001.parquet", Body=stale)
    s3.put_object(Bucket=bucket, Key=f"sbx_{table}/_SUCCESS", Body=b"")
    glue.create_table(DatabaseName=database, TableInput={
        "Name": f"sbx_{table}", "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {"Columns": [{"Name": "old", "Type": "string"}],
                              "Location": f"s3://{bucket}/elsewhere/"}})

    first = _export(sandbox_aws, table, "--logical-date", DAY1.isoformat())
    assert (first["catalog"], first["replaced_objects"], first["rows"]) == (
        "updated", 2, _local_sbx(demo, table).num_rows)
    _assert_matches_local(demo, sandbox_aws, table)
    second = _export(sandbox_aws, table, "--logical-date", DAY1.isoformat())
    assert (second["catalog"], second["replaced_objects"], second["rows"]) == (
        "updated", 0, first["rows"])
    _assert_matches_local(demo, sandbox_aws, table)

    storage = _catalog_table(sandbox_aws, table)["StorageDescriptor"]
    assert storage["Columns"] == TRANSACTIONS_COLUMNS
    assert storage["Location"] == f"s3://{bucket}/sbx_{table}/"
    names = [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]]
    assert names == [f"sbx_{table}"]


def test_the_profile_copy_is_the_logical_dates_snapshot_else_the_latest(
        demo: Demo, sandbox_aws: dict[str, Any]) -> None:
    s3, analytics = sandbox_aws["s3"], sandbox_aws["buckets"]["analytics"]
    bucket = sandbox_aws["buckets"]["sandbox"]
    day1 = pq.read_table(demo.lake / "analytics" / PROFILE / f"snapshot_date={DAY1}")
    older = day1.sort_by("customer_id").slice(0, 7)
    sink = io.BytesIO()
    pq.write_table(older, sink, compression="snappy")
    s3.put_object(Bucket=analytics, Key=f"{PROFILE}/snapshot_date=2026-11-24/part-00000.parquet",
                  Body=sink.getvalue())

    latest = _export(sandbox_aws, PROFILE)  # no --logical-date: the latest snapshot
    assert (latest["snapshot_date"], latest["rows"]) == (DAY1.isoformat(), day1.num_rows)
    _assert_matches_local(demo, sandbox_aws, PROFILE)

    report = _export(sandbox_aws, PROFILE, "--logical-date", "2026-11-24")
    assert (report["snapshot_date"], report["rows"], report["replaced_objects"]) == (
        "2026-11-24", 7, 0)
    written = _s3_table(s3, bucket, f"sbx_{PROFILE}/part-00000.parquet")
    assert written.column_names == _local_sbx(demo, PROFILE).column_names
    key = Settings().sandbox_key.encode("utf-8")
    assert sorted(written.column("customer_id").to_pylist()) == sorted(
        token(key, c) for c in older.column("customer_id").to_pylist())
    assert written.column("snapshot_date").to_pylist() == [date(2026, 11, 24)] * 7
    assert written.schema.field("snapshot_date").type == pa.date32()

    missing = _run(sandbox_aws, "--table", PROFILE, "--logical-date", "2026-11-23")
    assert missing.returncode != 0
    assert "snapshot_date=2026-11-23 not found" in missing.stderr
    assert _keys(s3, bucket, f"sbx_{PROFILE}/") == [f"sbx_{PROFILE}/part-00000.parquet"]


def test_with_an_export_prefix_the_profile_is_read_from_athenas_unload_not_the_table(
        demo: Demo, sandbox_aws: dict[str, Any]) -> None:
    """In AWS the profile is an Iceberg table Athena writes: the state machine has Athena
    UNLOAD the day's snapshot first and passes its prefix. The emulator runs no SQL, so
    the UNLOAD's output is put here: two Parquet objects named after a query, with no
    `.parquet` suffix (the reader must not need one), under `snapshot_date=<D>/`, without
    the `snapshot_date` column."""
    s3, analytics = sandbox_aws["s3"], sandbox_aws["buckets"]["analytics"]
    day1 = pq.read_table(demo.lake / "analytics" / PROFILE / f"snapshot_date={DAY1}")
    day1 = day1.sort_by("customer_id")
    prefix = "_exports/daily-2026-11-25-a1/sbx_c360_customer_profile"
    folder = f"{prefix}/{PROFILE}/snapshot_date={DAY1}"
    for index, part in enumerate((day1.slice(0, 5), day1.slice(5))):
        sink = io.BytesIO()
        pq.write_table(part, sink, compression="snappy")
        s3.put_object(Bucket=analytics, Key=f"{folder}/20261125_031500_00042_x7k2p_{index}",
                      Body=sink.getvalue())
    # The table's own folder keeps a row Athena deleted since: never read with the prefix.
    sink = io.BytesIO()
    pq.write_table(day1.slice(0, 1), sink, compression="snappy")
    s3.put_object(Bucket=analytics, Key=f"{PROFILE}/snapshot_date={DAY1}/deleted-row.parquet",
                  Body=sink.getvalue())

    report = _export(sandbox_aws, PROFILE, "--logical-date", DAY1.isoformat(),
                     "--c360-export-prefix", prefix)
    assert (report["snapshot_date"], report["rows"], report["source_objects"]) == (
        DAY1.isoformat(), day1.num_rows, 2)
    _assert_matches_local(demo, sandbox_aws, PROFILE)


def test_an_unknown_table_fails_naming_the_known_ones(sandbox_aws: dict[str, Any]) -> None:
    done = _run(sandbox_aws, "--table", "dim_customer_loyalty", "--logical-date",
                DAY1.isoformat())
    assert done.returncode == 1
    assert ("no sandbox masking policy for --table 'dim_customer_loyalty'; known tables: "
            "c360_customer_profile, fct_transactions_monthly, fct_digital_sessions"
            ) in done.stderr
    assert _keys(sandbox_aws["s3"], sandbox_aws["buckets"]["sandbox"]) == []
    assert sandbox_aws["glue"].get_tables(
        DatabaseName=sandbox_aws["databases"]["sandbox"])["TableList"] == []
