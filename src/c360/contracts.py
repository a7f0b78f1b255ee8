"""Data contracts: one YAML file per dataset in `contracts/`.

A contract states what a source dataset looks like as landed in RAW (format,
where each column comes from) and what it must look like in STAGE (types, keys,
PII flags, quality checks). Conform SQL, Glue table definitions (Terraform
`yamldecode`) and PII scans are all driven from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from c360.resources import contracts_dir

TYPE_PATTERN = re.compile(
    r"^(string|integer|bigint|double|boolean|date|timestamp|decimal\((\d{1,2}),(\d{1,2})\))$"
)
RAW_FORMATS = ("jsonl", "csv", "fixed_width", "parquet")
PII_KINDS = ("none", "direct", "quasi")
CHECK_KINDS = ("allowed_values", "pattern", "min", "max")
DATASET_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

# libyaml's parser when PyYAML was built with it (5x faster), the pure-Python one otherwise;
# both safe (plain data only).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContractError(ValueError):
    """A contract file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Column:
    """One staged column: its type, origin in the raw record and its checks."""

    name: str
    type: str
    source: str
    nullable: bool = True
    pii: str = "none"
    description: str = ""
    format: str | None = None
    """strftime-style input format for dates/timestamps given as text (e.g. `%Y%m%d`)."""
    normalize: str | None = None
    """Optional named normalisation applied before checks: `upper`, `lower`, `trim`, `digits`."""
    checks: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FixedWidthField:
    name: str
    start: int
    length: int


@dataclass(frozen=True)
class RawSpec:
    """How the dataset is landed in RAW."""

    format: str
    path: str
    delimiter: str = ","
    record_type_detail: str | None = None
    """Fixed-width / framed CSV: value of the record-type marker on detail lines."""
    layout: tuple[FixedWidthField, ...] = ()


@dataclass(frozen=True)
class Contract:
    dataset: str
    source: str
    entity: str
    description: str
    grain: str
    raw: RawSpec
    keys: tuple[str, ...]
    order_by: tuple[str, ...]
    """Newest-first ordering used to keep one row per key (deterministic: keys break ties)."""
    columns: tuple[Column, ...]
    path: Path
    append_only: bool = False
    """Records never change once delivered (events): an hourly run conforms only its own
    deliveries and quarantines a record whose key is already staged (`conform.run`)."""

    @property
    def stage_table(self) -> str:
        return f"stg_{self.dataset}"

    @property
    def quarantine_table(self) -> str:
        return f"quarantine_{self.dataset}"

    @property
    def raw_table(self) -> str:
        return f"raw_{self.dataset}"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.dataset}: no column {name!r}")

    @property
    def pii_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.pii != "none")


def load_contract(path: Path) -> Contract:
    """Parse and validate one contract file."""
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except OSError as exc:
        raise ContractError(f"{path}: cannot read contract ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ContractError(f"{path}: invalid YAML ({exc})") from None
    if not isinstance(doc, dict):
        raise ContractError(f"{path}: a contract must be a mapping at the top level")
    return _parse(doc, path)


def load_contracts(directory: Path | None = None) -> dict[str, Contract]:
    """All contracts in `directory` (default: the project's), keyed by dataset."""
    directory = directory or contracts_dir()
    contracts: dict[str, Contract] = {}
    for path in sorted(directory.glob("*.yaml")):
        contract = load_contract(path)
        if contract.dataset in contracts:
            raise ContractError(f"{path}: dataset {contract.dataset!r} is defined twice")
        contracts[contract.dataset] = contract
    if not contracts:
        raise ContractError(f"{directory}: no contract files (*.yaml)")
    return contracts


def _require(doc: dict[str, Any], key: str, path: Path, where: str = "") -> Any:
    if key not in doc or doc[key] is None:
        raise ContractError(f"{path}: missing required field '{where}{key}'")
    return doc[key]


def _parse(doc: dict[str, Any], path: Path) -> Contract:
    dataset = str(_require(doc, "dataset", path))
    if not DATASET_PATTERN.match(dataset):
        raise ContractError(
            f"{path}: field 'dataset' must look like <source>_<entity>, got {dataset!r}")
    source = str(_require(doc, "source", path))
    entity = str(_require(doc, "entity", path))
    if dataset != f"{source}_{entity}":
        raise ContractError(
            f"{path}: field 'dataset' must equal '<source>_<entity>' ({source}_{entity})")
    raw = _parse_raw(_require(doc, "raw", path), path)
    columns_doc = _require(doc, "columns", path)
    if not isinstance(columns_doc, list) or not columns_doc:
        raise ContractError(f"{path}: field 'columns' must be a non-empty list")
    columns = tuple(_parse_column(c, i, path, raw) for i, c in enumerate(columns_doc))
    names = [c.name for c in columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ContractError(f"{path}: field 'columns' repeats {', '.join(dupes)}")
    keys = tuple(_require(doc, "keys", path))
    for key in keys:
        if key not in names:
            raise ContractError(f"{path}: field 'keys' names unknown column {key!r}")
    order_by = tuple(doc.get("order_by") or ())
    for term in order_by:
        col = term.split()[0]
        if col not in names and col != "_source_file":
            raise ContractError(f"{path}: field 'order_by' names unknown column {col!r}")
        if len(term.split()) > 1 and term.split()[1].lower() not in ("asc", "desc"):
            raise ContractError(f"{path}: field 'order_by' term {term!r} must end in asc|desc")
    append_only = doc.get("append_only", False)
    if not isinstance(append_only, bool):
        raise ContractError(f"{path}: field 'append_only' must be true or false")
    return Contract(
        append_only=append_only,
        dataset=dataset,
        source=source,
        entity=entity,
        description=str(doc.get("description", "")),
        grain=str(_require(doc, "grain", path)),
        raw=raw,
        keys=keys,
        order_by=order_by,
        columns=columns,
        path=path,
    )


def _parse_raw(doc: Any, path: Path) -> RawSpec:
    if not isinstance(doc, dict):
        raise ContractError(f"{path}: field 'raw' must be a mapping")
    fmt = str(_require(doc, "format", path, "raw."))
    if fmt not in RAW_FORMATS:
        raise ContractError(f"{path}: field 'raw.format' must be one of {RAW_FORMATS}, got {fmt!r}")
    layout: tuple[FixedWidthField, ...] = ()
    if fmt == "fixed_width":
        items = _require(doc, "layout", path, "raw.")
        parsed = []
        for i, item in enumerate(items):
            try:
                parsed.append(
                    FixedWidthField(str(item["name"]), int(item["start"]), int(item["length"])))
            except (KeyError, TypeError, ValueError):
                raise ContractError(
                    f"{path}: field 'raw.layout[{i}]' needs name, start (1-based) and length"
                ) from None
        layout = tuple(parsed)
    return RawSpec(
        format=fmt,
        path=str(_require(doc, "path", path, "raw.")),
        delimiter=str(doc.get("delimiter", ",")),
        record_type_detail=doc.get("record_type_detail"),
        layout=layout,
    )


def _parse_column(doc: Any, index: int, path: Path, raw: RawSpec) -> Column:
    where = f"columns[{index}]."
    if not isinstance(doc, dict):
        raise ContractError(f"{path}: field 'columns[{index}]' must be a mapping")
    name = str(_require(doc, "name", path, where))
    where = f"columns[{name}]."
    if not NAME_PATTERN.match(name):
        raise ContractError(f"{path}: field '{where}name' must be snake_case")
    col_type = str(_require(doc, "type", path, where)).replace(" ", "").lower()
    if not TYPE_PATTERN.match(col_type):
        raise ContractError(f"{path}: field '{where}type' has unknown type {col_type!r}")
    pii = str(doc.get("pii", "none"))
    if pii not in PII_KINDS:
        raise ContractError(f"{path}: field '{where}pii' must be one of {PII_KINDS}, got {pii!r}")
    checks = doc.get("checks") or {}
    if not isinstance(checks, dict):
        raise ContractError(f"{path}: field '{where}checks' must be a mapping")
    for kind in checks:
        if kind not in CHECK_KINDS:
            raise ContractError(f"{path}: field '{where}checks.{kind}' is not a known check")
    if "pattern" in checks:
        try:
            re.compile(str(checks["pattern"]))
        except re.error as exc:
            raise ContractError(
                f"{path}: field '{where}checks.pattern' is not a regex ({exc})") from None
    normalize = doc.get("normalize")
    if normalize is not None and normalize not in ("upper", "lower", "trim", "digits"):
        raise ContractError(f"{path}: field '{where}normalize' must be upper|lower|trim|digits")
    source = str(doc.get("source", name))
    if raw.format == "fixed_width" and source not in {f.name for f in raw.layout}:
        raise ContractError(f"{path}: field '{where}source' is not in raw.layout")
    return Column(
        name=name,
        type=col_type,
        source=source,
        nullable=bool(doc.get("nullable", True)),
        pii=pii,
        description=str(doc.get("description", "")),
        format=doc.get("format"),
        normalize=normalize,
        checks=dict(checks),
    )
