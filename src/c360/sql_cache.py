"""Compiled SQL kept between runs: what sqlglot parses, transpiles and rewrites, by content.

Every local run parses its SQL models for lineage, transpiles the Spark and Trino
SQL it runs into DuckDB's dialect, builds the conform queries from the contracts and
splits out materialized CTEs. That is the same work on the same text every run:
~2 s of sqlglot per run on 2 cores, a fifth of a 10k-customer daily run, whatever the
data size. Each of those results is a pure function of its text inputs and of the code
that computes it, so it is kept:

- in this process (a dict), always;
- in a directory, when one is configured (`configure`; the pipeline run uses
  `Settings.sql_cache_dir`, `C360_SQL_CACHE_DIR`): one small JSON file per result,
  named by the SHA-256 of its kind, its inputs and a fingerprint of the code, the
  SHA-256 of every `c360` source file plus the sqlglot version. Changed SQL, a changed
  contract, changed c360 code or another sqlglot gives another name, so a stale entry
  is never read. Files sit under a folder per code fingerprint (a generation); the
  first result a process writes deletes the other generations untouched for
  `STALE_GENERATION_DAYS`, so the directory does not grow with every code change. It
  can be deleted at any time. Files are written to a temporary name and renamed, so
  concurrent runs never read half a file; a directory that cannot be written is not an
  error (the result is then computed each run, as without a cache).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

GENERATION_CHARS = 16
"""Results live under `<directory>/<first characters of the fingerprint>/`: a generation."""
STALE_GENERATION_DAYS = 7

_memory: dict[str, Any] = {}
_directory: Path | None = None
_fingerprint: str | None = None
_pruned = False
_marked = False


def configure(directory: Path | None) -> None:
    """Keep results in `directory` too (None: this process only)."""
    global _directory
    _directory = directory


def directory() -> Path | None:
    return _directory


def fingerprint() -> str:
    """SHA-256 of the c360 package's Python sources and the sqlglot version."""
    global _fingerprint
    if _fingerprint is None:
        import sqlglot

        digest = hashlib.sha256(f"sqlglot {sqlglot.__version__}\n".encode())
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            digest.update(str(path.relative_to(package)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        _fingerprint = digest.hexdigest()
    return _fingerprint


def compiled(kind: str, inputs: Sequence[str], compute: Callable[[], T],
             decode: Callable[[Any], T] | None = None) -> T:
    """`compute()`, or the result it gave before for the same `kind` and `inputs`.

    The result must survive JSON (strings, numbers, lists, dicts); `decode` turns the
    JSON value back into the caller's type (e.g. lists into tuples).
    """
    digest = hashlib.sha256(fingerprint().encode())
    for part in (kind, *inputs):
        digest.update(b"\0" + part.encode("utf-8"))
    key = digest.hexdigest()
    if key in _memory:
        return _memory[key]
    value: T | None = None
    path = None
    if _directory is not None:
        generation = _directory / fingerprint()[:GENERATION_CHARS]
        path = generation / key[:2] / f"{key}.json"
        _mark_used(generation)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        else:
            value = decode(stored) if decode else stored
    if value is None:
        value = compute()
        if path is not None:
            _write(path, value)
            _prune_once(path.parents[1])
    _memory[key] = value
    return value


def _mark_used(generation: Path) -> None:
    """Touch this generation's folder once per process: its age is its last use."""
    global _marked
    if _marked:
        return
    _marked = True
    try:
        os.utime(generation)
    except OSError:
        pass  # not created yet: its first write creates it


def _prune_once(generation: Path) -> None:
    """Delete the other generations (other c360 code or sqlglot) unused for
    `STALE_GENERATION_DAYS`, once per process: the directory holds what current code
    reads, plus what a recent other checkout or version may still run with."""
    global _pruned
    if _pruned:
        return
    _pruned = True
    cutoff = time.time() - STALE_GENERATION_DAYS * 86_400
    try:
        siblings = [p for p in generation.parent.iterdir() if p.is_dir() and p != generation]
        for sibling in siblings:
            if sibling.stat().st_mtime < cutoff:
                shutil.rmtree(sibling, ignore_errors=True)
    except OSError:
        return


def _write(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(value, out)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
