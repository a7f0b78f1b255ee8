"""Turn a source system's delivery (the generator's output folder) into RAW files.

Each function returns `(file to land, name in RAW)` pairs for `land_files`.
Where the source's wire format is not what RAW keeps (CRM API pages are
unwrapped to one JSON object per line, as the CRM consumer Lambda writes;
core-banking tables arrive as Parquet, as the JDBC extract writes), the
conversion happens here into `work_dir`.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


class DeliveryError(FileNotFoundError):
    """A delivery folder or file the ingest needs is missing or unreadable."""


def _require_dir(path: Path, what: str) -> Path:
    if not path.is_dir():
        raise DeliveryError(f"{what}: folder {path} does not exist")
    return path


def crm_pages_to_jsonl(sources: Path, work_dir: Path) -> list[tuple[Path, str]]:
    """CRM API pages → one gzip JSON-lines file (records in page order)."""
    pages = sorted(_require_dir(sources / "crm" / "customers", "crm").glob("page-*.json"))
    if not pages:
        raise DeliveryError(f"crm: no page-*.json files in {sources / 'crm' / 'customers'}")
    out = work_dir / "crm_customers.jsonl.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as gz:
        for page in pages:
            try:
                body = json.loads(page.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise DeliveryError(f"crm: {page} is not valid JSON ({exc})") from None
            for record in body.get("data", []):
                gz.write(json.dumps(record, sort_keys=True, ensure_ascii=False).encode() + b"\n")
    return [(out, "part-00000.jsonl.gz")]


def core_banking_table_to_parquet(sources: Path, table: str, work_dir: Path) -> list[tuple[Path, str]]:
    """A core-banking table export (CSV) → Parquet with every column as text."""
    csv_path = _require_dir(sources / "core_banking", "core_banking") / f"{table}.csv"
    if not csv_path.is_file():
        raise DeliveryError(f"core_banking: {csv_path} does not exist")
    with csv_path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    opts = pacsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                strings_can_be_null=True)
    try:
        data = pacsv.read_csv(csv_path, convert_options=opts)
    except pa.ArrowInvalid as exc:
        raise DeliveryError(f"core_banking: {csv_path} is not readable CSV ({exc})") from None
    out = work_dir / f"core_banking_{table}.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, out, compression="snappy")
    return [(out, "part-00000.parquet")]


def files_matching(sources: Path, folder: str, pattern: str) -> list[tuple[Path, str]]:
    """Files dropped as-is (mainframe, call center, clickstream), keeping sub-paths."""
    base = _require_dir(sources / folder, folder)
    found = sorted(p for p in base.rglob(pattern) if p.is_file())
    if not found:
        raise DeliveryError(f"{folder}: no files matching {pattern} in {base}")
    return [(p, str(p.relative_to(base))) for p in found]
