"""Land source deliveries into RAW, once each, with a manifest beside the data.

RAW is immutable: a delivery lands under
`<raw>/<dataset path>/ingest_date=<date>/run_id=<run>/` with `_manifest.json`
(files, rows, bytes, sha256, what was skipped or quarantined and why) and is
never rewritten. A ledger of content hashes (`<raw>/_ledger/<dataset>/<sha256>.json`,
one small object per file, so S3 needs no append) makes a repeated delivery of
the same bytes a recorded skip instead of a duplicate.

A file that fails its check (`c360.ingest.validate`) is quarantined whole under
`<raw>/_quarantine/<dataset path>/ingest_date=<date>/run_id=<run>/` with its own
manifest naming the reason; conform reads only `<raw>/<dataset path>/`, so it
never sees it, and the run goes on.

Order of writes: data delivery (published atomically, see `store.py`), then the
quarantine delivery, then the ledger. A crash leaves either nothing, or
complete deliveries whose ledger entries the next attempt restores from their
manifests before it decides what is new.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from c360.ingest.store import MANIFEST, LocalStore, ObjectStore
from c360.ingest.validate import FileCheck

QUARANTINE_ROOT = "_quarantine"
LEDGER_ROOT = "_ledger"


@dataclass(frozen=True)
class LandedFile:
    source: str
    path: str
    rows: int
    bytes: int
    sha256: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuarantinedFile:
    source: str
    path: str
    rows: int
    bytes: int
    sha256: str
    reason: str


@dataclass
class LandingReport:
    """What one ingest did: files landed, quarantined and skipped (each with a reason)."""

    dataset: str
    landed: list[LandedFile] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    quarantined: list[QuarantinedFile] = field(default_factory=list)
    delivery: str = ""
    """Key of the data delivery folder ("" when nothing landed)."""

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.landed)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows for f in self.quarantined)

    def summary(self) -> dict[str, object]:
        """The report as plain data (for the run manifest)."""
        return {
            "files_landed": len(self.landed),
            "files_quarantined": [{"source": q.source, "reason": q.reason}
                                  for q in self.quarantined],
            "files_skipped": self.skipped,
            "notes": {f.source: list(f.notes) for f in self.landed if f.notes},
        }


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def delivery_key(dataset_path: str, ingest_date: date, run_id: str) -> str:
    return f"{dataset_path.strip('/')}/ingest_date={ingest_date.isoformat()}/run_id={run_id}"


def delivery_dir(raw_root: Path, dataset_path: str, ingest_date: date, run_id: str) -> Path:
    return raw_root / delivery_key(dataset_path, ingest_date, run_id)


class Ledger:
    """Content hashes already landed (or quarantined) for one dataset."""

    def __init__(self, store: ObjectStore | Path, dataset: str) -> None:
        self.store = LocalStore(store) if isinstance(store, Path) else store
        self.prefix = f"{LEDGER_ROOT}/{dataset}"

    def entries(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for key in self.store.list(self.prefix):
            body = self.store.read(key)
            if body:
                entry = json.loads(body)
                found[entry["sha256"]] = entry
        return found

    def hashes(self) -> set[str]:
        return set(self.entries())

    def record(self, entries: Iterable[LandedFile | QuarantinedFile], run_id: str) -> None:
        for entry in entries:
            status = "quarantined" if isinstance(entry, QuarantinedFile) else "landed"
            body = {**asdict(entry), "run_id": run_id, "status": status}
            self.store.write(f"{self.prefix}/{entry.sha256}.json",
                             json.dumps(body, sort_keys=True).encode())


def count_rows(path: Path) -> int:
    """Physical data lines in a file (gzip-aware; Parquet from its metadata)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    opener: Callable[..., Any] = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        return sum(1 for _ in handle)


def _count_only(path: Path) -> FileCheck:
    """The check when none is given: count rows; an unreadable file is quarantined."""
    try:
        return FileCheck(rows=count_rows(path))
    except Exception as exc:  # corrupt gzip/Parquet: never crash, never land it silently
        return FileCheck(rows=0, verdict="quarantine", reason=f"unreadable: {exc}")


def _restore_ledger(store: ObjectStore, ledger: Ledger, manifest_key: str) -> bool:
    """Put a complete delivery's files in the ledger (a crash may have come first)."""
    body = store.read(manifest_key)
    if body is None:
        return False
    manifest = json.loads(body)
    known = ledger.hashes()
    landed = [LandedFile(**{k: v for k, v in f.items() if k != "notes"})
              for f in manifest.get("files", []) if f["sha256"] not in known]
    quarantined = [QuarantinedFile(**f) for f in manifest.get("quarantined", [])
                   if f["sha256"] not in known]
    ledger.record([*landed, *quarantined], str(manifest.get("run_id", "")))
    return True


def free_run_folder(store: ObjectStore, ledger: Ledger, dataset_path: str, ingest_date: date,
                     run_id: str) -> str:
    """The run folder name to land in: `run_id`, or `run_id.2`, ... when that one is complete.

    A complete delivery (it has a manifest) is never rewritten; a later delivery in
    the same run goes beside it. A folder without a manifest is an unfinished attempt
    and is reused (its writer clears it).
    """
    attempt = 1
    while True:
        name = run_id if attempt == 1 else f"{run_id}.{attempt}"
        data = delivery_key(dataset_path, ingest_date, name)
        quarantined = f"{QUARANTINE_ROOT}/{data}"
        complete = [_restore_ledger(store, ledger, f"{key}/{MANIFEST}")
                    for key in (data, quarantined)]
        if not any(complete):
            return name
        attempt += 1


def land(
    store: ObjectStore,
    dataset: str,
    files: Iterable[tuple[Path, str]],
    dataset_path: str,
    ingest_date: date,
    run_id: str,
    check: Callable[[Path], FileCheck] | None = None,
    extra: Mapping[str, object] | None = None,
) -> LandingReport:
    """Land `(source file, name in RAW)` pairs as one delivery in `store`.

    `check` decides per file (land / quarantine / skip); without it every
    non-empty file lands and rows are physical lines. `extra` is recorded in the
    manifest (e.g. the checkpoint range a CRM delivery covers).
    """
    report = LandingReport(dataset)
    ledger = Ledger(store, dataset)
    run_folder = free_run_folder(store, ledger, dataset_path, ingest_date, run_id)
    seen = ledger.entries()
    target = delivery_key(dataset_path, ingest_date, run_folder)
    q_target = f"{QUARANTINE_ROOT}/{target}"
    to_land: list[tuple[Path, str]] = []
    to_quarantine: list[tuple[Path, str]] = []
    from c360.privacy.ingest import ErasureFilter  # erased persons never land again

    erased = ErasureFilter.for_store(store, dataset)
    for source, name in files:
        if not source.is_file():
            raise FileNotFoundError(f"{dataset}: source file {source} does not exist")
        digest = sha256_file(source)
        if digest in seen:
            before = seen[digest]
            report.skipped.append({
                "source": source.name,
                "reason": f"duplicate delivery: same bytes already {before.get('status', 'landed')}"
                          f" as {before.get('path')} (run {before.get('run_id')})",
            })
            continue
        size = source.stat().st_size
        if size == 0:
            report.skipped.append({"source": source.name, "reason": "empty file (0 bytes)"})
            continue
        result = check(source) if check else _count_only(source)
        if result.verdict == "skip":
            report.skipped.append({"source": source.name, "reason": result.reason})
            continue
        seen[digest] = {"status": result.verdict, "path": name, "run_id": run_folder}
        if result.verdict == "quarantine":
            report.quarantined.append(QuarantinedFile(
                source=source.name, path=f"{q_target}/{name}", rows=result.rows, bytes=size,
                sha256=digest, reason=result.reason))
            to_quarantine.append((erased.apply(source, result.rows, ())[0], name))
        else:
            kept, rows, notes = erased.apply(source, result.rows, result.notes)
            report.landed.append(LandedFile(
                source=source.name, path=f"{target}/{name}", rows=rows, bytes=size,
                sha256=digest, notes=notes))
            to_land.append((kept, name))

    header = {"dataset": dataset, "run_id": run_folder, "ingest_date": ingest_date.isoformat(),
              **({"extra": dict(extra)} if extra else {})}
    if to_land:
        manifest = {**header, "files": [asdict(f) for f in report.landed],
                    "quarantined": [asdict(q) for q in report.quarantined],
                    "skipped": report.skipped}
        _publish(store, target, to_land, manifest)
        report.delivery = target
    if to_quarantine:
        manifest = {**header, "files": [], "quarantined": [asdict(q) for q in report.quarantined],
                    "skipped": report.skipped}
        _publish(store, q_target, to_quarantine, manifest)
    ledger.record([*report.landed, *report.quarantined], run_folder)
    erased.cleanup()
    return report


def _publish(store: ObjectStore, prefix: str, files: list[tuple[Path, str]],
             manifest: Mapping[str, object]) -> None:
    writer = store.delivery(prefix)
    try:
        for source, name in files:
            writer.put_file(name, source)
        writer.commit(json.dumps(manifest, indent=2, sort_keys=True).encode())
    except BaseException:
        writer.abort()
        raise


def land_files(
    dataset: str,
    files: Iterable[tuple[Path, str]],
    raw_root: Path,
    dataset_path: str,
    ingest_date: date,
    run_id: str,
    check: Callable[[Path], FileCheck] | None = None,
    extra: Mapping[str, object] | None = None,
) -> LandingReport:
    """`land` into the local RAW folder `raw_root`."""
    return land(LocalStore(raw_root), dataset, files, dataset_path, ingest_date, run_id,
                check=check, extra=extra)


def describe_written(store: ObjectStore, prefix: str) -> list[LandedFile]:
    """Data files another writer (Spark) put under `prefix`: rows, bytes, sha256 each."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    described = []
    for key in store.list(prefix):
        name = key.rsplit("/", 1)[-1]
        if name.startswith(("_", ".")) or name.endswith(".crc"):
            continue
        body = store.read(key) or b""
        rows = (int(pq.ParquetFile(pa.BufferReader(body)).metadata.num_rows)
                if name.endswith(".parquet") else body.count(b"\n"))
        described.append(LandedFile(source=name, path=key, rows=rows, bytes=len(body),
                                    sha256=hashlib.sha256(body).hexdigest()))
    return described


def publish_written(store: ObjectStore, dataset: str, prefix: str, files: list[LandedFile],
                    ingest_date: date, run_folder: str,
                    extra: Mapping[str, object] | None = None) -> LandingReport:
    """Commit a delivery whose data is already in place: manifest last, then the ledger."""
    from c360.privacy.ingest import ErasureFilter  # erased persons never land again

    files = ErasureFilter.for_store(store, dataset).apply_stored(store, files)
    manifest = {"dataset": dataset, "run_id": run_folder, "ingest_date": ingest_date.isoformat(),
                **({"extra": dict(extra)} if extra else {}),
                "files": [asdict(f) for f in files], "quarantined": [], "skipped": []}
    store.write(f"{prefix}/{MANIFEST}", json.dumps(manifest, indent=2, sort_keys=True).encode())
    Ledger(store, dataset).record(files, run_folder)
    return LandingReport(dataset, landed=list(files), delivery=prefix)


def read_manifest(store: ObjectStore, delivery: str) -> dict[str, Any] | None:
    body = store.read(f"{delivery}/{MANIFEST}")
    return None if body is None else json.loads(body)
