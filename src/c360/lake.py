"""Where each table lives: one root per layer, the layer read from the table name.

Naming is lineage (ARCHITECTURE §4): `raw_*` lives in RAW, `stg_*`, `quarantine_*`
and `int_*` in STAGE, `dim_*`, `fct_*` and `c360_*` in ANALYTICS, `sbx_*` in
SANDBOX. Locally every layer is a folder under the lake root; in AWS each layer
is a bucket (`Lake.from_uris`).
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from c360.lake_files import HadoopFiles, LocalFiles, TableFiles

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


class _NoFiles:
    """The files of a lake given as URIs when nobody said how to reach them."""

    def __getattr__(self, name: str) -> object:
        raise ValueError("this lake is given as URIs: pass Lake.from_uris a file system "
                         "(c360.lake_files.HadoopFiles(spark)) to read or write its tables")


@dataclass(frozen=True)
class Lake:
    """Maps table names and raw paths to locations (local folders or URIs such as
    s3://), and holds what moves their files (`c360.lake_files`)."""

    layer_roots: Mapping[str, str]
    files: TableFiles = field(default_factory=LocalFiles, compare=False, repr=False)
    read_from: Mapping[str, str] = field(default_factory=dict)
    """Tables read from elsewhere than their own folder (an Athena export, see
    `reading_exports`)."""

    @classmethod
    def local(cls, root: Path) -> Lake:
        root = root.resolve()
        return cls({layer: str(root / layer) for layer in LAYERS})

    @classmethod
    def from_uris(cls, uris: Mapping[str, str], files: TableFiles | None = None) -> Lake:
        """A lake whose layers are `uris`: local folders, or URIs (s3://, file://) whose
        tables `files` reaches (`HadoopFiles` in the Glue and EMR jobs)."""
        missing = [layer for layer in LAYERS if layer not in uris]
        if missing:
            raise ValueError(f"lake URIs missing for layer(s): {', '.join(missing)}")
        lake = cls({k: v.rstrip("/") for k, v in uris.items()})
        if files is None and lake.is_local:
            return lake
        return replace(lake, files=files or _NoFiles())  # type: ignore[arg-type]

    @classmethod
    def for_spark_job(cls, uris: Mapping[str, str], spark: object) -> Lake:
        """The lake a Glue or EMR job was given: URIs (s3://) through the session's
        Hadoop file system, plain folders through Python."""
        lake = cls.from_uris(uris)
        return lake if lake.is_local else replace(lake, files=HadoopFiles(spark))

    @property
    def is_local(self) -> bool:
        """Every layer is a local folder (a path, not a URI)."""
        return not any("://" in v for v in self.layer_roots.values())

    @property
    def root(self) -> Path:
        """Local lake root (the parent of the layer folders)."""
        if not self.is_local:
            raise ValueError("this lake is not local")
        return Path(self.layer_roots["raw"]).parent

    def location(self, table: str) -> str:
        return self.read_from.get(table) or f"{self.layer_roots[layer_of(table)]}/{table}"

    def reading_exports(self, prefix: str, tables: Iterable[str]) -> Lake:
        """This lake with `tables` read from their Athena export under the ANALYTICS
        root's `prefix` (`_exports/<execution>/<step>/<table>`, c360.orchestration.asl,
        *Exports*) instead of their own (Iceberg) folders."""
        root = f"{self.layer_roots['analytics']}/{prefix.strip('/')}"
        return replace(self, read_from={**self.read_from,
                                        **{table: f"{root}/{table}" for table in tables}})

    def raw_location(self, relative: str) -> str:
        return f"{self.layer_roots['raw']}/{relative.strip('/')}"

    def partition_location(self, table: str, partition: Mapping[str, str]) -> str:
        parts = "/".join(f"{k}={v}" for k, v in partition.items())
        return f"{self.location(table)}/{parts}" if parts else self.location(table)

    def write_location(self, table: str, partition: Mapping[str, str] | None = None) -> str:
        """Where a write of `table` (or one partition of it) goes; a table this lake reads
        from an export (`reading_exports`) is an input of the step and is never written."""
        if table in self.read_from:
            raise ValueError(f"{table} is read from {self.read_from[table]} here (an export); "
                             "this step may not write it")
        return self.partition_location(table, partition or {})

    def exists(self, table: str) -> bool:
        """Whether `table` has data (a Parquet file in its folder)."""
        return self.files.has_data(self.location(table))

    def staging_location(self, final: str) -> str:
        """Where a write of `final` (a table or partition folder) is staged: under its
        layer's `.staging/`, outside every table (see `staging_dir_for`)."""
        if self.is_local:
            return str(staging_dir_for(Path(final)))
        for root in self.layer_roots.values():
            if final.startswith(root + "/"):
                return f"{root}/{STAGING}/{_staged_name(final.rstrip('/').rsplit('/', 1)[-1])}"
        raise ValueError(f"{final} is in no layer of this lake")

    def clear_staging(self) -> int:
        """Delete what killed writes left in `<layer>/.staging/`; the number of folders.

        Only for a holder of the run lock: a live writer's staging must not go.
        """
        cleared = 0
        for layer in LAYERS:
            staging = Path(self.layer_roots[layer]) / STAGING
            if self.is_local and staging.is_dir():
                for leftover in staging.iterdir():
                    if leftover.is_dir():
                        shutil.rmtree(leftover, ignore_errors=True)
                    else:
                        leftover.unlink(missing_ok=True)
                    cleared += 1
        return cleared


STAGING = ".staging"
"""Per-layer folder for writes in progress: `<layer>/.staging/` (same filesystem, no table's)."""


def _layer_root(final: Path) -> Path:
    for parent in final.parents:
        if parent.name in LAYERS:
            return parent
    return final.parent


def staging_dir_for(final: Path) -> Path:
    """A temp folder for an atomic write of `final`: same filesystem, outside every table.

    Readers glob a table's folder recursively, hidden folders included (DuckDB's
    `**`), so staged data must never sit inside a table's folder — a write killed
    half-way would otherwise leave files every later read trips over.
    """
    root = _layer_root(final) / STAGING
    root.mkdir(parents=True, exist_ok=True)
    return root / _staged_name(final.name)


def _staged_name(name: str) -> str:
    """A staged write's folder name: the table's (or partition's), made unique."""
    return f"{name}-{uuid.uuid4().hex[:12]}"


def commit_dir(staged: Path, final: Path) -> None:
    """Replace `final` with `staged` so readers see either the old or the new data.

    On Linux the two folders are swapped by one `renameat2(RENAME_EXCHANGE)` (atomic:
    `final` is never absent), then the old copy — now at `staged` — is deleted; a
    crash before that deletion leaves only garbage in the staging area. Without that
    call, the old folder is renamed into the staging area first, then the new one
    into place; a crash between the two leaves `final` absent until the next write.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists() and _exchange(staged, final):
        shutil.rmtree(staged)
        return
    old = staging_dir_for(final)
    if final.exists():
        os.replace(final, old)
    os.replace(staged, final)
    if old.exists():
        shutil.rmtree(old)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the call is unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                   _RENAME_EXCHANGE)
    if rc == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), f"{first} <-> {second}")
