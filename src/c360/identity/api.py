"""Identity as a library: link an Arrow table or a file; evaluate against ground truth.

`link_table` is what `c360 identity link` and the benchmark run: the same
standardization, deterministic rules, Splink model and clustering as the
pipeline step, on the embedded DuckDB engine, with fresh customer ids (no
previous registry).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from c360.config import Settings
from c360.identity.link import IdentityInputError, LinkResult, link_records
from c360.identity.registry import IdFormat, assign_customer_ids
from c360.identity.settings import IdentitySettings, load_identity_settings
from c360.identity.standardize import INPUT_COLUMNS

_TEXT_COLUMNS = tuple(c for c in INPUT_COLUMNS if c not in ("email_verified", "observed_at"))


def read_records(path: Path) -> pa.Table:
    """Read INPUT (CSV or Parquet) with lower-cased column names; typed as the linker needs."""
    if not path.exists():
        raise FileNotFoundError(f"input file {path} does not exist")
    if path.is_dir():
        raise IdentityInputError(f"input {path} is a folder, not a CSV or Parquet file")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
        if magic == b"PAR1":
            table = pq.read_table(path)
        else:
            table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in (*_TEXT_COLUMNS, "record_id", "birth_date")},
                strings_can_be_null=True))
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IdentityInputError(f"cannot read {path} as CSV or Parquet: {first}") from None
    lowered = [name.lower() for name in table.column_names]
    if len(set(lowered)) != len(lowered):
        raise IdentityInputError(f"{path}: column names repeat (case-insensitively)")
    table = table.rename_columns(lowered)
    if "record_id" not in lowered:
        raise IdentityInputError(
            f"{path} has no record_id column (columns: {', '.join(lowered) or 'none'})")
    return _typed(table)


def _typed(table: pa.Table) -> pa.Table:
    """Parse birth_date (date, YYYY-MM-DD or YYYYMMDD; anything else is missing)."""
    if "birth_date" not in table.column_names:
        return table
    column = table.column("birth_date")
    if pa.types.is_date(column.type):
        return table
    if pa.types.is_timestamp(column.type):
        parsed = pc.cast(column, pa.date32())
    else:
        text = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
        dashed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        compact = pc.strptime(text, format="%Y%m%d", unit="s", error_is_null=True)
        parsed = pc.cast(pc.coalesce(dashed, compact), pa.date32())
    index = table.column_names.index("birth_date")
    return table.set_column(index, "birth_date", parsed)


def link_table(records: pa.Table, settings: IdentitySettings, threads: int = 2
               ) -> tuple[pa.Table, LinkResult]:
    """`records` (record_id + person columns) → `record_id, customer_id` in input order."""
    from c360.engine.duckdb_engine import DuckDBEngine
    from c360.identity.backend import IdentityBackend
    from c360.lake import Lake

    with tempfile.TemporaryDirectory(prefix="c360-identity-") as tmp:
        engine = DuckDBEngine(Lake.local(Path(tmp)), threads)
        try:
            engine.con.register("identity_cli_input", records)
            with IdentityBackend(engine) as backend:
                result = link_records(backend, "identity_cli_input", settings)
        finally:
            engine.close()
    assignment = assign_customer_ids(
        result.assignments.column("cluster").to_pylist(),
        [None] * result.assignments.num_rows,
        IdFormat(settings.id_prefix, settings.id_digits), 0)
    by_id = pa.table({"record_id": result.assignments.column("record_id"),
                      "customer_id": pa.array(assignment.customer_ids, pa.string())})
    # Back to input order and the input's own record_id values (and type).
    keys = pc.cast(records.column("record_id"), pa.string())
    position = pc.index_in(keys, value_set=by_id.column("record_id"))
    out = pa.table({
        "record_id": records.column("record_id"),
        "customer_id": pc.take(by_id.column("customer_id"), position),
    })
    return out, result


def link_file(input_path: Path, output_path: Path, settings_path: Path | None,
              threads: int = 2) -> dict[str, Any]:
    """The `c360 identity link` command: read, link, write OUTPUT atomically."""
    from c360.identity.cli import write_parquet_atomically

    started = time.perf_counter()
    settings = load_identity_settings(settings_path)
    records = read_records(input_path)
    output, _ = link_table(records, settings, threads)
    write_parquet_atomically(output, output_path)
    return {
        "records": output.num_rows,
        "customers": len(pc.unique(output.column("customer_id"))),
        "seconds": time.perf_counter() - started,
    }


def evaluate(settings: Settings, sources: Path, predicted: Path | None) -> dict[str, Any]:
    """Score the lake's current xref (or a `link` output) against the ground truth."""
    from c360.identity.evaluate import read_truth, score

    truth = read_truth(sources)
    if predicted is not None:
        table = pq.read_table(predicted)
        if not {"record_id", "customer_id"} <= set(table.column_names):
            raise IdentityInputError(f"{predicted} needs record_id and customer_id columns")
        ids = pc.cast(table.column("record_id"), pa.string())
        split = pc.split_pattern(ids, ":", max_splits=1)
        frame = pa.table({
            "source_system": pc.list_element(split, 0),
            "source_key": pc.list_element(split, 1),
            "customer_id": table.column("customer_id"),
        })
        return score(frame, truth)
    from c360.engine import create_engine
    from c360.lake import Lake

    lake = Lake.local(settings.lake_root)
    if not lake.exists("int_customer_xref"):
        raise FileNotFoundError(
            f"no int_customer_xref in the lake at {settings.lake_root}; run the pipeline first")
    with create_engine(settings, lake) as engine:
        engine.register_table("int_customer_xref")
        xref = engine.query(
            "select source_system, source_key, customer_id from int_customer_xref "
            "where valid_to is null", "spark")
    return score(xref, truth)
