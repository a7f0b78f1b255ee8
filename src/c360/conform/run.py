"""Run the conform model for one dataset and write `stg_*` and `quarantine_*`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from c360.conform.model import (
    conform_sql,
    duplicates_sql,
    quarantine_projection,
    raw_column,
    same_key,
    stage_projection,
)
from c360.contracts import Contract
from c360.engine import Engine, EngineError, RawSource
from c360.lake_files import LocalFiles, TableFiles, is_hidden

RAW_SUFFIXES = {
    "jsonl": (".jsonl", ".jsonl.gz", ".json.gz"),
    "csv": (".csv", ".csv.gz"),
    "fixed_width": (".dat", ".txt"),
    "parquet": (".parquet",),
}


@dataclass(frozen=True)
class ConformResult:
    dataset: str
    rows_in: int
    rows_staged: int
    rows_quarantined: int

    @property
    def reconciles(self) -> bool:
        return self.rows_in == self.rows_staged + self.rows_quarantined


def raw_files(
    contract: Contract, raw_root: Path | str, excluded: frozenset[str] = frozenset(),
    files: TableFiles | None = None,
) -> list[str]:
    """Every landed file of the dataset, sorted; `excluded` files were rejected at ingest.

    `raw_root` is a local folder or, with `files` (the lake's, e.g. `HadoopFiles` in a
    Glue job), a URI.
    """
    base = f"{str(raw_root).rstrip('/')}/{contract.raw.path.strip('/')}"
    suffixes = RAW_SUFFIXES[contract.raw.format]
    listed = (files or LocalFiles()).files_under(base)
    return sorted(
        (f for f in listed
         if f.endswith(suffixes) and f not in excluded
         # Hidden or marker paths (a delivery still staged in `.tmp-*`) are not landed data.
         and not any(is_hidden(part) for part in f.removeprefix(base + "/").split("/"))),
        key=lambda f: f.split("/"))  # folder by folder, as the landing names them


def raw_source(contract: Contract, files: list[str]) -> RawSource:
    fmt = contract.raw.format
    if fmt in ("jsonl", "fixed_width"):
        return RawSource(files=tuple(files), format="lines")
    framed = contract.raw.record_type_detail is not None and fmt == "csv"
    return RawSource(
        files=tuple(files),
        format=fmt,
        delimiter=contract.raw.delimiter,
        header_marker="HDR" if framed else None,
        trailer_marker="TRL" if framed else None,
        columns=tuple(dict.fromkeys(c.source for c in contract.columns)),
    )


def source_file_root(engine: Engine) -> str:
    """The RAW root as the raw views' `_source_file` spells it: a `file://` file by its
    path (the engines read `file:///lake/raw/x.csv` as `/lake/raw/x.csv`), any other
    URI (`s3://...`) as it is."""
    return engine.lake.layer_roots["raw"].removeprefix("file://")


def _duplicated_keys(engine: Engine, contract: Contract, view: str, name: str) -> str | None:
    """Materialize the keys several good rows share as `name`; None when there are none."""
    return name if engine.materialize(name, duplicates_sql(contract, view), "spark") else None


def conform_dataset(engine: Engine, contract: Contract, files: list[str]) -> ConformResult:
    """Conform every raw file of `contract` into its stage and quarantine tables."""
    if not files:
        raise EngineError(f"{contract.raw_table}: no raw files under {contract.raw.path}")
    engine.register_raw(contract.raw_table, raw_source(contract, files))
    view = f"conform_{contract.dataset}"
    # Computed once (parsing, typing, checks), then projected twice.
    rows_in = engine.materialize(
        view, conform_sql(contract, contract.raw_table, engine.dialect), "spark"
    )
    duplicates = f"{view}_duplicates"
    try:
        repeated = _duplicated_keys(engine, contract, view, duplicates)
        raw_root = source_file_root(engine)
        staged = engine.write_table(
            contract.stage_table, stage_projection(contract, view, repeated, raw_root), "spark"
        )
        quarantined = engine.write_table(
            contract.quarantine_table,
            quarantine_projection(contract, view, repeated, raw_root), "spark",
        )
    finally:
        engine.release(duplicates)
        engine.release(view)
    return ConformResult(contract.dataset, rows_in, staged, quarantined)


def delivery_folder_ends(first: str) -> tuple[str, str]:
    """What follows a run's first delivery folder `first` in the path of a file that run
    landed: RAW keeps the first delivery under `<first>/`, a later one of the same run
    beside it under `<first>.<n>/` (`c360.ingest.landing.free_run_folder`)."""
    return f"{first}/", f"{first}."


def delivery_markers(run_id: str) -> tuple[str, str]:
    """What the path of a file landed by `run_id` holds: `.../run_id=<run>/` or
    `.../run_id=<run>.<n>/` (`delivery_folder_ends`)."""
    return delivery_folder_ends(f"/run_id={run_id}")


def delivered_by(files: list[str], run_id: str) -> list[str]:
    """The files of deliveries landed by `run_id` (see `delivery_markers`)."""
    own = delivery_markers(run_id)
    return [f for f in files if any(marker in f for marker in own)]


def conform_increment(
    engine: Engine, contract: Contract, files: list[str], run_id: str
) -> ConformResult:
    """Append-only datasets, hourly: conform this run's deliveries and add them to STAGE.

    The increment is appended to both tables as the run's own batch of files
    (`Engine.append_batch`): the staged rows are read for their keys only, never
    rewritten. An earlier attempt of the same run left a batch that the rerun replaces,
    so a rerun gives the same tables (its deliveries, told apart by `_source_file`, are
    not counted as already staged). A new record whose key is already staged from an
    earlier delivery is quarantined as a duplicate (the first delivery stays): the
    daily run re-conforms everything from RAW and ranks all rows together.
    Counts are those of the increment: in = staged + quarantined by this run.
    """
    if not contract.append_only:
        raise EngineError(f"{contract.dataset}: not append_only; conform it whole")
    prefix = engine.lake.layer_roots["raw"].rstrip("/") + "/"
    raw_root = source_file_root(engine)
    own_deliveries = sorted({f.removeprefix(prefix).rsplit("/", 1)[0] + "/" for f in files})
    not_this_run = " and ".join(
        f"left(_source_file, {len(d)}) <> '{d}'" for d in own_deliveries) or "true"
    keys = ", ".join(contract.keys)
    engine.register_table(contract.stage_table)
    engine.register_table(contract.quarantine_table)
    engine.register_raw(contract.raw_table, raw_source(contract, files))
    view, known = f"conform_{contract.dataset}", f"staged_keys_{contract.dataset}"
    conformed = f"{view}_new"
    duplicates = f"{view}_duplicates"
    columns = [c.name for c in contract.columns]
    raw = [raw_column(c) for c in contract.columns if raw_column(c) not in columns]
    passthrough = ", ".join(
        [f"v.{c}" for c in [*columns, *raw]] + ["v._json_valid", "v._source_file"])
    already = (f"'duplicate: {keys} already staged from an earlier delivery'")
    try:
        rows_in = engine.materialize(
            conformed, conform_sql(contract, contract.raw_table, engine.dialect), "spark")
        # Staged keys the increment repeats: the (small) increment's keys are looked up
        # among the staged ones, instead of listing every distinct staged key.
        engine.materialize(known, (
            f"select distinct {', '.join(f's.{k}' for k in contract.keys)}, true as _staged "
            f"from (select {keys} from {contract.stage_table} where {not_this_run}) s "
            f"left semi join (select {keys} from {conformed}) n on {same_key(contract, 's', 'n')}"
        ), "spark")
        engine.materialize(view, (
            f"select {passthrough}, case when v._reason = '' and k._staged "
            f"then {already} else v._reason end as _reason "
            f"from {conformed} v left join {known} k on {same_key(contract, 'v', 'k')}"
        ), "spark")
        repeated = _duplicated_keys(engine, contract, view, duplicates)
        staged = engine.append_batch(
            contract.stage_table, stage_projection(contract, view, repeated, raw_root),
            batch=run_id, dialect="spark")
        quarantined = engine.append_batch(
            contract.quarantine_table, quarantine_projection(contract, view, repeated, raw_root),
            batch=run_id, dialect="spark")
    finally:
        for name in (duplicates, view, conformed, known):
            engine.release(name)
    return ConformResult(contract.dataset, rows_in, staged, quarantined)
