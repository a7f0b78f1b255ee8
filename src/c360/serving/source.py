"""Read the latest `c360_customer_profile` snapshot, from the local lake or from S3.

The table is partitioned `snapshot_date=YYYY-MM-DD/` (ARCHITECTURE §4); the
latest partition is the one to serve. S3 is read with boto3 (which follows the
standard `AWS_ENDPOINT_URL`), one Parquet file at a time, so memory stays at one
file's worth of rows. pyarrow is imported only here: the Lambda that serves
profiles never needs it, the Glue Python shell job that loads them does.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PARTITION = "snapshot_date"
_PARTITION_DIR = re.compile(r"^snapshot_date=(\d{4}-\d{2}-\d{2})$")


class SnapshotNotFound(FileNotFoundError):
    """The profile table has no snapshot partition (or not the one asked for)."""


def table_key_prefix(table: str, export_prefix: str = "") -> str:
    """Key prefix of `table` in its bucket: `<table>` at the bucket's top, or
    `<export prefix>/<table>` where a state machine had Athena UNLOAD it
    (`--c360-export-prefix`, `c360.orchestration.asl` *Exports*)."""
    return "/".join(p for p in (export_prefix.strip("/"), table) if p)


def _split_s3(uri: str) -> tuple[str, str]:
    bucket, _, prefix = uri[len("s3://"):].partition("/")
    return bucket, prefix.strip("/")


def snapshot_dates(location: str, s3_client: Any = None) -> list[str]:
    """Snapshot dates present under the table location, oldest first."""
    if location.startswith("s3://"):
        bucket, prefix = _split_s3(location)
        paginator = s3_client.get_paginator("list_objects_v2")
        names = [
            p["Prefix"].rstrip("/").rsplit("/", 1)[-1]
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix + "/", Delimiter="/")
            for p in page.get("CommonPrefixes", [])
        ]
    else:
        root = Path(location)
        names = [p.name for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
    return sorted(m.group(1) for m in map(_PARTITION_DIR.match, names) if m)


def data_object_keys(s3_client: Any, bucket: str, prefix: str) -> list[str]:
    """Keys of the data files under `prefix` (recursively), sorted, as Hive and Athena
    see a table folder: a key with a part after `prefix` that starts with `_` or `.`
    (`_SUCCESS`, `.staging/`) is not data, nor is a folder marker. The name's extension
    is not looked at: Athena names the files a query writes after the query, and a reader
    must not depend on a `.parquet` suffix being there."""
    keys = []
    for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                     Prefix=prefix):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            if key.endswith(("/", "$folder$")):
                continue
            if not any(p.startswith(("_", ".")) for p in key[len(prefix):].split("/")):
                keys.append(key)
    return sorted(keys)


def _files(location: str, snapshot: str, s3_client: Any) -> list[str]:
    if location.startswith("s3://"):
        bucket, prefix = _split_s3(location)
        part = f"{prefix}/{PARTITION}={snapshot}/"
        return [f"s3://{bucket}/{k}" for k in data_object_keys(s3_client, bucket, part)]
    folder = Path(location) / f"{PARTITION}={snapshot}"
    return sorted(str(p) for p in folder.rglob("*.parquet"))


def _open(path: str, s3_client: Any) -> Any:
    if path.startswith("s3://"):
        bucket, key = _split_s3(path)
        return io.BytesIO(s3_client.get_object(Bucket=bucket, Key=key)["Body"].read())
    return path


def read_profiles(location: str, snapshot: str | None = None, s3_client: Any = None
                  ) -> Iterator[dict[str, Any]]:
    """Profile rows of one snapshot (default: the latest), `snapshot_date` included."""
    import pyarrow.parquet as pq

    dates = snapshot_dates(location, s3_client)
    if not dates:
        raise SnapshotNotFound(f"no {PARTITION}=... partition under {location}")
    snapshot = snapshot or dates[-1]
    if snapshot not in dates:
        raise SnapshotNotFound(f"snapshot {snapshot} not found under {location}")
    files = _files(location, snapshot, s3_client)
    if not files:
        raise SnapshotNotFound(f"snapshot {snapshot} under {location} has no data file")
    for path in files:
        parquet = pq.ParquetFile(_open(path, s3_client))
        for batch in parquet.iter_batches(batch_size=1000):
            for row in batch.to_pylist():
                row[PARTITION] = snapshot
                yield row
