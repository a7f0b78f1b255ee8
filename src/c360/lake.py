"""Where each table lives: one root per layer, the layer read from the table name.

Naming is lineage (ARCHITECTURE §4): `raw_*` lives in RAW, `stg_*`, `quarantine_*`
and `int_*` in STAGE, `dim_*`, `fct_*` and `c360_*` in ANALYTICS, `sbx_*` in
SANDBOX. Locally every layer is a folder under the lake root; in AWS each layer
is a bucket (`Lake.from_uris`).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

LAYERS = ("raw", "stage", "analytics", "sandbox")
_PREFIX_LAYER = (
    ("raw_", "raw"),
    ("stg_", "stage"),
    ("quarantine_", "stage"),
    ("int_", "stage"),
    ("dim_", "analytics"),
    ("fct_", "analytics"),
    ("c360_", "analytics"),
    ("sbx_", "sandbox"),
)


class NamingError(ValueError):
    """A table name does not follow the layer-prefix convention."""


def layer_of(table: str) -> str:
    """The layer a table belongs to, read from its prefix."""
    for prefix, layer in _PREFIX_LAYER:
        if table.startswith(prefix):
            return layer
    known = ", ".join(p for p, _ in _PREFIX_LAYER)
    raise NamingError(f"table {table!r} has no layer prefix (one of {known})")


@dataclass(frozen=True)
class Lake:
    """Maps table names and raw paths to locations (local folders or s3:// URIs)."""

    layer_roots: Mapping[str, str]

    @classmethod
    def local(cls, root: Path) -> Lake:
        root = root.resolve()
        return cls({layer: str(root / layer) for layer in LAYERS})

    @classmethod
    def from_uris(cls, uris: Mapping[str, str]) -> Lake:
        missing = [layer for layer in LAYERS if layer not in uris]
        if missing:
            raise ValueError(f"lake URIs missing for layer(s): {', '.join(missing)}")
        return cls({k: v.rstrip("/") for k, v in uris.items()})

    @property
    def is_local(self) -> bool:
        return not any(v.startswith("s3://") for v in self.layer_roots.values())

    @property
    def root(self) -> Path:
        """Local lake root (the parent of the layer folders)."""
        if not self.is_local:
            raise ValueError("this lake is not local")
        return Path(self.layer_roots["raw"]).parent

    def location(self, table: str) -> str:
        return f"{self.layer_roots[layer_of(table)]}/{table}"

    def raw_location(self, relative: str) -> str:
        return f"{self.layer_roots['raw']}/{relative.strip('/')}"

    def partition_location(self, table: str, partition: Mapping[str, str]) -> str:
        parts = "/".join(f"{k}={v}" for k, v in partition.items())
        return f"{self.location(table)}/{parts}" if parts else self.location(table)

    def exists(self, table: str) -> bool:
        loc = Path(self.location(table))
        return loc.is_dir() and any(loc.rglob("*.parquet"))


def staging_dir_for(final: Path) -> Path:
    """A sibling temp folder for an atomic write of `final` (same filesystem)."""
    return final.parent / f".tmp-{final.name}-{uuid.uuid4().hex[:12]}"


def commit_dir(staged: Path, final: Path) -> None:
    """Replace `final` with `staged` so readers see either the old or the new data.

    The old folder is first renamed aside (atomic), then the staged one renamed in
    (atomic); a crash between the two leaves `final` absent and the old copy in a
    `.old-*` folder, which the next run's write replaces.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.parent / f".old-{final.name}-{uuid.uuid4().hex[:12]}"
    if final.exists():
        os.replace(final, old)
    os.replace(staged, final)
    if old.exists():
        shutil.rmtree(old)
