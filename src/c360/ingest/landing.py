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

A big delivery (from `POOL_MIN_BYTES` of files to check) is checked by the caller
and `workers - 1` processes together (`_Checks`); the files are still decided one
after another in delivery order, exactly as one process decides them: a file whose
bytes the ledger already holds is never checked, and nothing is written before every
file is decided.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from c360.ingest.store import MANIFEST, LocalStore, ObjectStore
from c360.ingest.validate import FileCheck

QUARANTINE_ROOT = "_quarantine"
LEDGER_ROOT = "_ledger"
POOL_MIN_BYTES = 48 << 20
"""Bytes (as delivered) of files to check from which `land` checks them with a process pool.

A worker is a fresh interpreter (the 'spawn' start method: the parent may hold DuckDB
threads or a JVM, which must never be forked) that imports the package and the parent's
main module (`c360.cli` under `c360 run`): ~0.5 s before it checks anything, ~0.15 s
to stop. The caller checks meanwhile, so the pool costs only the end: waiting for the
files a worker took and for it to stop. One process checks gzipped JSON lines at
~47 ms per delivered MB. Measured on 2 cores (clickstream batches of the benchmark's
100k sources): 16 MB 0.73-0.80 s alone, 1.16-1.37 s with a worker; 30 MB 1.44-1.48 s
alone, 1.06 s with a worker when the second core was free (1.97 s when it was not);
131 MB (a 100k day) ~7.3 s alone, 4.2-4.7 s with a worker. So from ~25 MB a worker pays
on an idle core; 48 MB leaves a margin for a busy machine.
"""
POOL_START_METHOD = "spawn"
LEDGER_WRITERS = 16
"""Ledger objects written at once when a delivery has more files than this. Each is tiny
but costs a round trip (an fsync in a local folder, a PUT on S3): right after a 131 MB
delivery was copied, 336 entries took 1.1-1.4 s one after another and ~0.3 s 16 at a
time. A few entries are written one after another (threads would cost more than they
save: 2 entries, 1.8 ms either way; 8 entries, 4.6 ms vs 6.5 ms)."""


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
        """One object per file; many are written `LEDGER_WRITERS` at a time (each is
        independent of the others)."""
        objects = []
        for entry in entries:
            status = "quarantined" if isinstance(entry, QuarantinedFile) else "landed"
            body = {**asdict(entry), "run_id": run_id, "status": status}
            objects.append((f"{self.prefix}/{entry.sha256}.json",
                            json.dumps(body, sort_keys=True).encode()))
        if len(objects) <= LEDGER_WRITERS:
            for key, data in objects:
                self.store.write(key, data)
            return
        with ThreadPoolExecutor(max_workers=min(LEDGER_WRITERS, len(objects))) as pool:
            for _ in pool.map(lambda item: self.store.write(*item), objects):
                pass  # re-raises the first failed write


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


def _ready() -> None:
    """A worker's first task: it has started (and imported what checks need)."""


class _Checks:
    """The checks of one delivery's files: by the caller, from the first file on, and,
    once the files to check reach `POOL_MIN_BYTES`, by `workers - 1` processes too, from
    the last file backwards, until they meet.

    The workers start while the files are hashed (the bytes are counted as they are),
    and the caller checks from the start, so nobody waits for anybody until the two
    ends meet. Each file is checked once, by the first to take it; the caller gets the
    results (or errors) in delivery order.
    """

    def __init__(self, check: Callable[[Path], FileCheck], workers: int) -> None:
        self.check = check
        self.workers = workers
        self.files = 0
        self.bytes = 0
        self.todo: dict[int, Path] = {}
        self.started: dict[int, Future[FileCheck]] = {}
        self.pool: ProcessPoolExecutor | None = None
        self.stopping: threading.Thread | None = None

    def add(self, index: int, path: Path, size: int) -> None:
        """`path` (file `index` of the delivery) will be checked."""
        self.files += 1
        self.bytes += size
        self.todo[index] = path
        if (self.pool is None and self.workers > 1 and self.files > 1
                and self.bytes >= POOL_MIN_BYTES):
            context = multiprocessing.get_context(POOL_START_METHOD)
            self.pool = ProcessPoolExecutor(max_workers=self.workers - 1, mp_context=context)
            for _ in range(self.workers - 1):
                self.pool.submit(_ready)

    def start(self) -> None:
        """Every file is known: the workers take them from the last one backwards."""
        if self.pool is not None:
            for index in reversed(self.todo):
                self.started[index] = self.pool.submit(self.check, self.todo[index])

    def result(self, index: int, path: Path) -> FileCheck:
        """The check of file `index` (`path`): from a worker, or run here."""
        future = self.started.pop(index, None)
        if future is None or future.cancel():  # no worker has taken it: check it here
            return self.check(path)
        return future.result()

    def release(self) -> None:
        """Every result is in: the workers stop (~0.15 s) while the caller writes."""
        if self.pool is not None and self.stopping is None:
            self.stopping = threading.Thread(target=self.pool.shutdown, name="c360-check-pool")
            self.stopping.start()

    def close(self) -> None:
        """Cancel checks not started yet and wait for the workers to stop (if any ran)."""
        if self.stopping is not None:
            self.stopping.join()
        elif self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


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
    workers: int = 1,
) -> LandingReport:
    """Land `(source file, name in RAW)` pairs as one delivery in `store`.

    `check` decides per file (land / quarantine / skip); without it every
    non-empty file lands and rows are physical lines. `extra` is recorded in the
    manifest (e.g. the checkpoint range a CRM delivery covers). `workers` > 1 lets a
    delivery of at least `POOL_MIN_BYTES` be checked by that many processes, the
    caller included (`check` must then be picklable, e.g. `validate.checker_for`);
    the outcome is the same.
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
    delivered: list[tuple[Path, str, str, int]] = []  # (source, name, sha256, bytes)
    checks = _Checks(check or _count_only, workers)
    firsts: set[str] = set()
    try:
        for index, (source, name) in enumerate(files):
            if not source.is_file():
                raise FileNotFoundError(f"{dataset}: source file {source} does not exist")
            digest, size = sha256_file(source), source.stat().st_size
            delivered.append((source, name, digest, size))
            # Checked below for sure: the first copy of bytes not in the ledger, not empty
            # (a later copy is checked, by the loop below, only if the first was skipped).
            if digest not in seen and size and digest not in firsts:
                firsts.add(digest)
                checks.add(index, source, size)
        checks.start()
        for index, (source, name, digest, size) in enumerate(delivered):
            if digest in seen:
                before = seen[digest]
                report.skipped.append({
                    "source": source.name,
                    "reason": "duplicate delivery: same bytes already "
                              f"{before.get('status', 'landed')} as {before.get('path')} "
                              f"(run {before.get('run_id')})",
                })
                continue
            if size == 0:
                report.skipped.append({"source": source.name, "reason": "empty file (0 bytes)"})
                continue
            result = checks.result(index, source)
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
        checks.release()

        header = {"dataset": dataset, "run_id": run_folder,
                  "ingest_date": ingest_date.isoformat(),
                  **({"extra": dict(extra)} if extra else {})}
        if to_land:
            manifest = {**header, "files": [asdict(f) for f in report.landed],
                        "quarantined": [asdict(q) for q in report.quarantined],
                        "skipped": report.skipped}
            _publish(store, target, to_land, manifest)
            report.delivery = target
        if to_quarantine:
            manifest = {**header, "files": [],
                        "quarantined": [asdict(q) for q in report.quarantined],
                        "skipped": report.skipped}
            _publish(store, q_target, to_quarantine, manifest)
        ledger.record([*report.landed, *report.quarantined], run_folder)
    finally:
        checks.close()
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
