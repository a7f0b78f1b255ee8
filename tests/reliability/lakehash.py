"""Content digests of a lake, to compare two lakes table by table, row by row.

A table's digest is order-insensitive: every row becomes canonical JSON (keys
sorted, partition columns from the folder names included), rows are sorted, and
the sorted list is hashed. RAW is compared file by file (sha256 of the bytes)
under its path. Bookkeeping that legitimately differs between two runs (run
manifests with their timings, locks, scratch, ledgers of landed hashes) is left out.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.dataset as ds

TABLE_LAYERS = ("stage", "analytics", "sandbox")


def table_rows(folder: Path) -> list[str]:
    """Every row of the Parquet table in `folder` as canonical JSON, sorted."""
    files = [p for p in folder.rglob("*.parquet") if not any(
        part.startswith(".") for part in p.relative_to(folder).parts)]
    if not files:
        return []
    table = ds.dataset([str(p) for p in files], format="parquet", partitioning="hive",
                       partition_base_dir=str(folder)).to_table()
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in table.to_pylist())


def table_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for row in table_rows(folder):
        digest.update(row.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def lake_digest(root: Path) -> dict[str, str]:
    """`{"<layer>/<table>": digest}` for every table, `{"raw/<path>": sha256}` per RAW file."""
    found: dict[str, str] = {}
    for layer in TABLE_LAYERS:
        base = root / layer
        if not base.is_dir():
            continue
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            if not folder.name.startswith("."):
                found[f"{layer}/{folder.name}"] = table_digest(folder)
    raw = root / "raw"
    for path in sorted(raw.rglob("*")) if raw.is_dir() else []:
        rel = path.relative_to(raw)
        if path.is_file() and not rel.parts[0].startswith("_") and not any(
                part.startswith(".") for part in rel.parts) and path.name != "_manifest.json":
            found[f"raw/{rel.as_posix()}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found
