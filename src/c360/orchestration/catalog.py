"""The Glue catalog's model tables, generated from the pipeline declaration and a local run.

Terraform creates the Glue tables of the STAGE `stg_*` datasets from the data
contracts; the tables the models produce (`int_*`, `fct_*`, `dim_*`, `c360_*`,
`sbx_*`) have no contract. Their definitions come from here: `catalog/model_tables.json`,
read by `terraform/modules/catalog` (`model_tables_file`), records for every table an
orchestrated step produces into STAGE (`int_*`), ANALYTICS or SANDBOX:

- `layer` (its Glue database), from the name (`c360.lake.layer_of`);
- `step`, `writer` (the step's kind: the AWS engine that writes it — `athena`,
  `emr_spark`, `emr_hive`, `glue_spark`, `glue_python`), `resource` and `schedules`,
  from `c360.orchestration.asl.orchestrated_steps()`, the list the state machines
  are generated from;
- `columns` and `partition_keys` (Glue/Hive types), read from the Parquet files a
  local DuckDB run wrote: the daily schedule, then the hourly one (the hourly-only
  `int_customer_changes`). A partition key is a `<key>=<value>` folder level; its
  type is `date` when every value is an ISO date (what DuckDB's hive-partitioned
  read infers, and what the models select), else `bigint` for integers, else
  `string`. Arrow types map to Glue types with `c360.sandbox.aws.glue_type`, the
  mapping the sandbox export registers its tables with.

A table a small run does not write takes its columns from the Arrow schema its writer
declares in code (`DECLARED_SCHEMAS`; `columns_from` says which): `int_identity_model`
is written only when a run trains the Splink model, which needs
`training.min_records` distinct profiles (2,000: more than the 300-customer run has).

`python -m c360.orchestration.catalog [--check]` (`make catalog-manifest`) writes or
checks the file; `tests/e2e/test_catalog_manifest.py` fails when it is stale.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from c360.identity import model_store
from c360.lake import Lake, NamingError, layer_of
from c360.pipeline.definition import Schedule, Step
from c360.sandbox.aws import glue_type

FORMAT_VERSION = 1
MANIFEST_PATH = Path("catalog") / "model_tables.json"
MODEL_PREFIXES = ("int_", "dim_", "fct_", "c360_", "sbx_")
"""Tables of the models (the `stg_*`/`quarantine_*` tables come from the contracts)."""
RUN_SCHEDULES: tuple[Schedule, ...] = ("daily", "hourly")
"""What the local run executes, in order: daily builds every table but the hourly-only
`int_customer_changes`, which the hourly run then adds."""
LOGICAL_DATE = date(2026, 11, 25)
CUSTOMERS = 300
SEED = 11
DECLARED_SCHEMAS: dict[str, tuple[pa.Schema, str]] = {
    model_store.MODEL: (model_store.SCHEMA, "code: c360.identity.model_store.SCHEMA"),
}
"""Tables whose writer fixes their Arrow schema in code (used only when no run wrote them)."""
RUN_SOURCE = "local run (duckdb)"

_PARTITION_DIR = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^-?\d+$")


class CatalogManifestError(ValueError):
    """The manifest cannot be built (a table no run wrote, files that disagree...)."""


def model_tables(steps: Iterable[Step]) -> dict[str, Step]:
    """Every model table an orchestrated step produces → that step."""
    produced: dict[str, Step] = {}
    for step in steps:
        for table in step.outputs:
            try:
                layer_of(table)
            except NamingError:
                continue  # not a lake table (ddb_customer_profile: DynamoDB)
            if table.startswith(MODEL_PREFIXES):
                produced[table] = step
    return produced


def _partition_type(values: set[str]) -> str:
    if values and all(_ISO_DATE.match(v) and _is_date(v) for v in values):
        return "date"
    if values and all(_INTEGER.match(v) for v in values):
        return "bigint"
    return "string"


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_hidden(part: str) -> bool:
    return part.startswith(("_", "."))


def table_schema(location: Path) -> tuple[pa.Schema, list[tuple[str, str]]]:
    """The data columns of a table folder's Parquet files and its partition keys (name, type)."""
    files = sorted(p for p in location.rglob("*.parquet")
                   if not any(_is_hidden(part) for part in p.relative_to(location).parts))
    if not files:
        raise CatalogManifestError(f"{location}: no Parquet file")
    keys: list[str] | None = None
    values: dict[str, set[str]] = {}
    for path in files:
        levels = [_PARTITION_DIR.match(part) for part in path.relative_to(location).parts[:-1]]
        if not all(levels):
            raise CatalogManifestError(f"{path}: a folder level is not <key>=<value>")
        found = [m.group(1) for m in levels if m]
        if keys is not None and found != keys:
            raise CatalogManifestError(f"{location}: partition levels differ ({keys} vs {found})")
        keys = found
        for m in levels:
            if m:
                values.setdefault(m.group(1), set()).add(m.group(2))
    try:
        schema = pa.unify_schemas([pq.read_schema(p) for p in files])
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise CatalogManifestError(f"{location}: Parquet files disagree: {error}") from error
    partition_keys = [(k, _partition_type(values[k])) for k in keys or []]
    overlap = [k for k, _ in partition_keys if k in schema.names]
    if overlap:
        raise CatalogManifestError(f"{location}: partition key(s) {overlap} also in the files")
    return schema.remove_metadata(), partition_keys


def _columns(schema: pa.Schema) -> list[dict[str, str]]:
    return [{"name": f.name, "type": glue_type(f.type, f.name)} for f in schema]


def table_entry(table: str, step: Step, lake: Lake) -> dict[str, Any]:
    location = Path(lake.location(table))
    if lake.exists(table):
        schema, partitions = table_schema(location)
        source = RUN_SOURCE
    elif table in DECLARED_SCHEMAS:
        schema, source = DECLARED_SCHEMAS[table]
        partitions = []
    else:
        raise CatalogManifestError(
            f"{table} (step {step.name}): no run wrote it and no schema is declared for it")
    own = table == step.name
    return {
        "layer": layer_of(table),
        "step": step.name,
        "writer": step.kind,
        "resource": step.resource,
        "schedules": sorted(step.schedules),
        "description": step.description if own and step.description else
        f"Written by step {step.name}",
        "columns": _columns(schema),
        "partition_keys": [{"name": k, "type": t} for k, t in partitions],
        "columns_from": source,
    }


def build_manifest(lake_root: Path, steps: Iterable[Step] | None = None) -> dict[str, Any]:
    """The manifest of every model table, read from a lake the local runs filled."""
    if steps is None:
        from c360.orchestration.asl import orchestrated_steps

        steps = orchestrated_steps()
    lake = Lake.local(lake_root)
    tables = model_tables(steps)
    return {
        "format": FORMAT_VERSION,
        "generated_by": "python -m c360.orchestration.catalog (make catalog-manifest); "
                        "do not edit",
        "tables": {t: table_entry(t, tables[t], lake) for t in sorted(tables)},
    }


def to_json(manifest: Mapping[str, Any]) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def run_schedules(lake_root: Path, sources: Path, schedules: Iterable[Schedule],
                  logical_date: date = LOGICAL_DATE) -> None:
    """Run `schedules` in order on the local DuckDB engine over `lake_root`."""
    from c360.config import Settings
    from c360.pipeline.runner import run_pipeline

    settings = Settings(lake_root=lake_root, engine="duckdb")
    for schedule in schedules:
        run_pipeline(settings, logical_date, sources, schedule=schedule)


def generate(workdir: Path) -> dict[str, Any]:
    """Generate small sources, run `RUN_SCHEDULES` on them, return the manifest."""
    from c360.sources.generator import generate as generate_sources

    sources, lake_root = workdir / "sources", workdir / "lake"
    generate_sources(sources, customers=CUSTOMERS, seed=SEED, logical_date=LOGICAL_DATE)
    run_schedules(lake_root, sources, RUN_SCHEDULES)
    return build_manifest(lake_root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"Generate {MANIFEST_PATH} (Glue model tables)")
    parser.add_argument("--out", type=Path, default=MANIFEST_PATH)
    parser.add_argument("--check", action="store_true",
                        help="fail if the committed file differs from the generated one")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="c360-catalog-manifest-"))
    try:
        text = to_json(generate(workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.check:
        if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
            print(f"stale (run `make catalog-manifest`): {args.out}", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
