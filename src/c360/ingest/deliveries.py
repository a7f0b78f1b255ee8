"""Where file deliveries are picked up: a local drop folder or an S3 prefix.

Each function returns `(local file, name in RAW)` pairs for `landing.land`;
names keep the sub-path below the drop folder (e.g. clickstream's
`dt=.../hour=.../web-0000.jsonl.gz`), so the hour a batch belongs to stays
visible in RAW whatever order batches arrive in.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

from c360.ingest.store import LocalStore, ObjectStore


class DeliveryError(FileNotFoundError):
    """A delivery folder or file the ingest needs is missing or unreadable."""


def _require_dir(path: Path, what: str) -> Path:
    if not path.is_dir():
        raise DeliveryError(f"{what}: folder {path} does not exist")
    return path


def files_matching(sources: Path, folder: str, pattern: str) -> list[tuple[Path, str]]:
    """Files dropped as-is in a local folder (mainframe, call center, clickstream)."""
    base = _require_dir(sources / folder, folder)
    found = sorted(p for p in base.rglob(pattern) if p.is_file())
    if not found:
        raise DeliveryError(f"{folder}: no files matching {pattern} in {base}")
    return [(p, str(p.relative_to(base))) for p in found]


def fetch_matching(source: ObjectStore, folder: str, pattern: str, work_dir: Path
                   ) -> list[tuple[Path, str]]:
    """Files matching `pattern` (on the file name) under `folder` of any store.

    A local store's files are used in place; others are downloaded into `work_dir`.
    An empty list means nothing was dropped (the caller decides if that is an error).
    """
    if isinstance(source, LocalStore):
        base = source.path(folder)
        if not base.is_dir():
            return []
        return [(p, str(p.relative_to(base))) for p in sorted(base.rglob(pattern)) if p.is_file()]
    found = []
    for key in source.list(folder):
        relative = key[len(folder.strip("/")) + 1 :]
        if not fnmatch.fnmatch(relative.rsplit("/", 1)[-1], pattern):
            continue
        target = work_dir / folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read(key) or b"")
        found.append((target, relative))
    return found
