"""The sandbox export in AWS: the Glue Python shell job's wiring around the same `mask_table`.

One run copies one ANALYTICS table (`--table`) into its masked `sbx_<table>` in the
SANDBOX bucket and registers it in the sandbox Glue database, exactly as the local step
(`c360.sandbox.steps`) does with `Engine.write_arrow`:

- the policy is the one of `c360.sandbox.masking.POLICIES` whose `source` is `--table`,
  and the key comes from Secrets Manager (`--c360-sandbox-key-secret-id`), UTF-8 encoded
  like `Settings.sandbox_key`: the same key gives the same tokens as a local run;
- the source is every data object under `s3://<analytics bucket>/<table>/` (keys with a
  `_`- or `.`-prefixed part are skipped, `c360.serving.source.data_object_keys`); a table
  Athena writes (Iceberg: no such folders, and deleted rows can linger in its files) is
  read from the Parquet the state machine had Athena `UNLOAD` just before, under
  `s3://<analytics bucket>/<--c360-export-prefix>/<table>/`
  (`c360.orchestration.asl`, *Exports*). The one row filter a policy has, the profile's
  latest snapshot, is read as one `snapshot_date=` partition: the `--logical-date` one
  when given (the state machine passes the day it just built), else the latest;
- the masked table is written as one snappy Parquet object, `sbx_<table>/part-00000.parquet`,
  then every other object under `sbx_<table>/` is deleted: a rerun replaces, never doubles;
- the Glue table (external Parquet, no partition keys: the copy holds one snapshot) is
  created, or updated when it exists.

The job runs with 0.0625 DPU (1 GB): the source objects are downloaded to a temporary
folder and masked in batches of `BATCH_ROWS` rows into a local Parquet file, so memory
holds one batch, not the table. Python 3.9 compatible (Glue Python shell); imports only
boto3/botocore and pyarrow beyond the standard library.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from botocore.exceptions import ClientError

from c360.sandbox.masking import POLICIES, Policy, mask_table
from c360.serving.source import PARTITION, data_object_keys, snapshot_dates, table_key_prefix

log = logging.getLogger(__name__)

OUTPUT_OBJECT = "part-00000.parquet"
BATCH_ROWS = 100_000
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


class SandboxExportError(ValueError):
    """The export cannot run as asked (unknown table, missing data, unmapped type...)."""


def policy_for(table: str) -> Policy:
    """The masking policy whose source is `table` (an ANALYTICS table name)."""
    for policy in POLICIES:
        if policy.source == table:
            return policy
    known = ", ".join(p.source for p in POLICIES)
    raise SandboxExportError(f"no sandbox masking policy for --table {table!r}; "
                             f"known tables: {known}")


def _latest_snapshot_filter(source: str) -> str:
    return f"{PARTITION} = (select max({PARTITION}) from {source})"


def glue_type(dtype: pa.DataType, column: str) -> str:
    """The Hive/Glue column type of an arrow type (`column` names it in the error)."""
    types = pa.types
    if types.is_string(dtype) or types.is_large_string(dtype):
        return "string"
    if types.is_boolean(dtype):
        return "boolean"
    simple = (
        (types.is_int8, "tinyint"), (types.is_int16, "smallint"), (types.is_int32, "int"),
        (types.is_int64, "bigint"), (types.is_float32, "float"), (types.is_float64, "double"),
        (types.is_date32, "date"), (types.is_timestamp, "timestamp"),
        (types.is_binary, "binary"), (types.is_large_binary, "binary"),
    )
    for test, name in simple:
        if test(dtype):
            return name
    if types.is_decimal(dtype) and dtype.precision <= 38:
        return f"decimal({dtype.precision},{dtype.scale})"
    if types.is_list(dtype) or types.is_large_list(dtype):
        return f"array<{glue_type(dtype.value_type, column)}>"
    if types.is_struct(dtype):
        fields = [dtype.field(i) for i in range(dtype.num_fields)]
        inner = ",".join(f"{f.name}:{glue_type(f.type, f'{column}.{f.name}')}" for f in fields)
        return f"struct<{inner}>"
    if types.is_map(dtype):
        return (f"map<{glue_type(dtype.key_type, column)},"
                f"{glue_type(dtype.item_type, column)}>")
    raise SandboxExportError(f"column {column}: arrow type {dtype} has no Glue/Hive type")


def glue_columns(schema: pa.Schema) -> list[dict[str, str]]:
    """`StorageDescriptor.Columns` for an arrow schema, in its order."""
    return [{"Name": f.name, "Type": glue_type(f.type, f.name)} for f in schema]


def table_input(name: str, location: str, schema: pa.Schema,
                parameters: dict[str, str]) -> dict[str, Any]:
    """The Glue `TableInput` of an external, unpartitioned Parquet table."""
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"EXTERNAL": "TRUE", "classification": "parquet",
                       "parquet.compression": "SNAPPY", **parameters},
        "PartitionKeys": [],
        "StorageDescriptor": {
            "Columns": glue_columns(schema),
            "Location": location,
            "InputFormat": PARQUET_INPUT_FORMAT,
            "OutputFormat": PARQUET_OUTPUT_FORMAT,
            "Compressed": False,
            "SerdeInfo": {"Name": "parquet", "SerializationLibrary": PARQUET_SERDE,
                          "Parameters": {"serialization.format": "1"}},
        },
    }


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def register_table(glue: Any, database: str, table: dict[str, Any]) -> str:
    """Create the table in `database`, or update it when it exists; returns which."""
    for _attempt in range(2):
        try:
            glue.create_table(DatabaseName=database, TableInput=table)
            return "created"
        except ClientError as error:
            if _error_code(error) == "EntityNotFoundException":
                raise SandboxExportError(f"Glue database {database} not found") from error
            if _error_code(error) != "AlreadyExistsException":
                raise
        try:
            glue.update_table(DatabaseName=database, TableInput=table)
            return "updated"
        except ClientError as error:
            if _error_code(error) != "EntityNotFoundException":
                raise
            # Dropped between the two calls: create it again.
    raise SandboxExportError(f"{database}.{table['Name']}: neither created nor updated")


def job_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """The job's arguments (Glue adds its own; unknown ones are ignored)."""
    parser = argparse.ArgumentParser(prog="sandbox_export", allow_abbrev=False)
    for layer in ("analytics", "sandbox"):
        parser.add_argument(f"--c360-{layer}-bucket", dest=f"{layer}_bucket", required=True)
        parser.add_argument(f"--c360-{layer}-database", dest=f"{layer}_database",
                            required=True)
    parser.add_argument("--c360-sandbox-key-secret-id", dest="sandbox_secret", required=True)
    parser.add_argument("--table", required=True, help="the ANALYTICS table to mask")
    parser.add_argument("--logical-date", dest="logical_date", default=None)
    parser.add_argument("--run-id", dest="run_id", default=None)
    parser.add_argument("--c360-export-prefix", dest="export_prefix", default="",
                        help="key prefix the state machine had Athena UNLOAD --table under "
                             "(an Athena-written table); empty: the table's own folder")
    args, _glue_args = parser.parse_known_args(list(argv))
    if args.logical_date:
        try:
            date.fromisoformat(args.logical_date)
        except ValueError:
            parser.error(f"--logical-date {args.logical_date!r} is not YYYY-MM-DD")
    return args


def _source_keys(s3: Any, bucket: str, policy: Policy, logical_date: str | None,
                 root: str = "") -> tuple[list[str], str | None]:
    """The objects to read and, for the profile's latest-snapshot filter, the snapshot.

    The table is read under `<root>/<table>/` of the bucket: `root` is empty for a table
    at the bucket's top (Spark-written Parquet), or the export prefix the state machine
    had Athena UNLOAD an Athena-written (Iceberg) table to (`--c360-export-prefix`).
    """
    table = policy.source
    base = table_key_prefix(table, root)
    if policy.row_filter is None:
        keys = data_object_keys(s3, bucket, f"{base}/")
        partitioned = [k for k in keys if "=" in k[len(base) + 1:]]
        if partitioned:
            # The local engine would add the hive partition columns; none is expected.
            raise SandboxExportError(f"{table} has partition folders ({partitioned[0]}) but "
                                     "its policy has no snapshot row filter")
        snapshot = None
    elif policy.row_filter == _latest_snapshot_filter(table):
        dates = snapshot_dates(f"s3://{bucket}/{base}", s3)
        if not dates:
            raise SandboxExportError(f"no {PARTITION}=... partition under s3://{bucket}/{base}/")
        snapshot = logical_date or dates[-1]
        if snapshot not in dates:
            raise SandboxExportError(f"{PARTITION}={snapshot} not found under "
                                     f"s3://{bucket}/{base}/ (latest: {dates[-1]})")
        keys = data_object_keys(s3, bucket, f"{base}/{PARTITION}={snapshot}/")
    else:
        raise SandboxExportError(f"{policy.target}: the AWS export reads only the latest "
                                 f"snapshot filter, not {policy.row_filter!r}")
    if not keys:
        raise SandboxExportError(f"{table} has no data object under "
                                 f"s3://{bucket}/{base}/" + (f"{PARTITION}={snapshot}/"
                                                             if snapshot else ""))
    return keys, snapshot


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` with exactly `schema`'s columns (missing ones null), like union_by_name."""
    columns = []
    for field in schema:
        if field.name in table.column_names:
            column = table.column(field.name)
            columns.append(column if column.type == field.type else column.cast(field.type))
        else:
            columns.append(pa.chunked_array([pa.nulls(table.num_rows, field.type)],
                                            field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _with_snapshot(table: pa.Table, snapshot: str | None) -> pa.Table:
    """Append the partition column as the local engine's hive-partitioned read shows it.

    DuckDB's `read_parquet(..., hive_partitioning = true)` infers DATE for a
    `snapshot_date=YYYY-MM-DD` folder and appends it after the file's columns; the local
    `sbx_c360_customer_profile` therefore ends with `snapshot_date` as date32, so this
    copy does too (a string column would make the two sandboxes disagree in type, and
    Athena readers of the sbx table would lose date comparisons).
    """
    if snapshot is None:
        return table
    value = pa.scalar(date.fromisoformat(snapshot), pa.date32())
    return table.append_column(pa.field(PARTITION, pa.date32()),
                               pa.repeat(value, table.num_rows))


def _batches(paths: Sequence[str], schema: pa.Schema) -> Iterator[pa.Table]:
    for path in paths:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
            yield _conform(pa.Table.from_batches([batch]), schema)


def _source_schema(paths: Sequence[str], table: str, snapshot: str | None) -> pa.Schema:
    try:
        schema = pa.unify_schemas([pq.read_schema(p) for p in paths])
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise SandboxExportError(f"{table}: its Parquet objects disagree: {error}") from error
    schema = schema.remove_metadata()
    if snapshot is not None and PARTITION in schema.names:
        schema = schema.remove(schema.get_field_index(PARTITION))  # the folder's value wins
    return schema


def _replace_objects(s3: Any, bucket: str, prefix: str, keep: str) -> int:
    """Delete every object under `prefix` except `keep`; returns how many were deleted."""
    stale = [o["Key"]
             for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                      Prefix=prefix)
             for o in page.get("Contents", []) if o["Key"] != keep]
    for start in range(0, len(stale), 1000):
        chunk = stale[start:start + 1000]
        answer = s3.delete_objects(Bucket=bucket, Delete={
            "Objects": [{"Key": k} for k in chunk], "Quiet": True})
        if answer.get("Errors"):
            first = answer["Errors"][0]
            raise SandboxExportError(f"could not delete s3://{bucket}/{first.get('Key')}: "
                                     f"{first.get('Code')} {first.get('Message')}")
    return len(stale)


def export_job(argv: Sequence[str], s3: Any = None, secrets: Any = None,
               glue: Any = None) -> dict[str, Any]:
    """Mask one ANALYTICS table into `sbx_<table>`; returns the report (no row data)."""
    args = job_arguments(argv)
    policy = policy_for(args.table)
    if s3 is None or secrets is None or glue is None:
        import boto3

        s3 = s3 or boto3.client("s3")
        secrets = secrets or boto3.client("secretsmanager")
        glue = glue or boto3.client("glue")
    key = secrets.get_secret_value(SecretId=args.sandbox_secret)["SecretString"]
    keys, snapshot = _source_keys(s3, args.analytics_bucket, policy, args.logical_date,
                                   args.export_prefix)
    prefix = f"{policy.target}/"
    target_key = prefix + OUTPUT_OBJECT
    location = f"s3://{args.sandbox_bucket}/{prefix}"
    log.info("sandbox_export %s -> %s: %d source objects, snapshot %s, run %s",
             policy.source, policy.target, len(keys), snapshot, args.run_id)

    rows_in = 0
    with tempfile.TemporaryDirectory(prefix="sandbox-export-") as folder:
        paths = []
        for index, source_key in enumerate(keys):
            path = os.path.join(folder, f"source-{index:05d}.parquet")
            s3.download_file(args.analytics_bucket, source_key, path)
            paths.append(path)
        schema = _source_schema(paths, policy.source, snapshot)
        key_bytes = key.encode("utf-8")
        out_schema = mask_table(_with_snapshot(schema.empty_table(), snapshot), policy,
                                key_bytes).schema
        output = os.path.join(folder, OUTPUT_OBJECT)
        with pq.ParquetWriter(output, out_schema, compression="snappy") as writer:
            for batch in _batches(paths, schema):
                masked = mask_table(_with_snapshot(batch, snapshot), policy, key_bytes)
                writer.write_table(masked if masked.schema == out_schema
                                   else masked.cast(out_schema))
                rows_in += batch.num_rows
        s3.upload_file(output, args.sandbox_bucket, target_key)
    removed = _replace_objects(s3, args.sandbox_bucket, prefix, target_key)

    parameters = {"c360.source": f"{args.analytics_database}.{policy.source}"}
    if snapshot:
        parameters["c360.snapshot_date"] = snapshot
    if args.run_id:
        parameters["c360.run_id"] = args.run_id
    catalog = register_table(glue, args.sandbox_database,
                             table_input(policy.target, location, out_schema, parameters))
    report = {
        "table": policy.source,
        "target": policy.target,
        "database": args.sandbox_database,
        "location": location,
        "rows": rows_in,
        "columns": len(out_schema),
        "source_objects": len(keys),
        "snapshot_date": snapshot,
        "replaced_objects": removed,
        "catalog": catalog,
        "run_id": args.run_id,
    }
    log.info("sandbox_export %s: %d rows, %d columns, catalog table %s", policy.target,
             rows_in, len(out_schema), catalog)
    return report
