"""Run the conform model for one dataset and write `stg_*` and `quarantine_*`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from c360.conform.model import conform_sql, quarantine_projection, stage_projection
from c360.contracts import Contract
from c360.engine import Engine, EngineError, RawSource

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
    contract: Contract, raw_root: Path, excluded: frozenset[str] = frozenset()
) -> list[str]:
    """Every landed file of the dataset, sorted; `excluded` files were rejected at ingest."""
    base = raw_root / contract.raw.path
    suffixes = RAW_SUFFIXES[contract.raw.format]
    files = [
        str(p)
        for p in sorted(base.rglob("*"))
        if p.is_file() and p.name.endswith(suffixes) and str(p) not in excluded
        # Hidden or marker paths (a delivery still staged in `.tmp-*`) are not landed data.
        and not any(part.startswith((".", "_")) for part in p.relative_to(base).parts)
    ]
    return files


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


def conform_dataset(engine: Engine, contract: Contract, files: list[str]) -> ConformResult:
    """Conform every raw file of `contract` into its stage and quarantine tables."""
    if not files:
        raise EngineError(f"{contract.raw_table}: no raw files under {contract.raw.path}")
    engine.register_raw(contract.raw_table, raw_source(contract, files))
    view = f"conform_{contract.dataset}"
    engine.register_view(view, conform_sql(contract, contract.raw_table, engine.dialect), "spark")
    rows_in = engine.count(view)
    raw_root = engine.lake.layer_roots["raw"]
    staged = engine.write_table(
        contract.stage_table, stage_projection(contract, view, raw_root), "spark"
    )
    quarantined = engine.write_table(
        contract.quarantine_table, quarantine_projection(contract, view, raw_root), "spark"
    )
    return ConformResult(contract.dataset, rows_in, staged, quarantined)
