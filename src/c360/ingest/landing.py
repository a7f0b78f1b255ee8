"""Land source deliveries into RAW, once each, with a manifest beside the data.

RAW is immutable: a delivery lands under
`<raw>/<dataset path>/ingest_date=<date>/run_id=<run>/` and is never rewritten.
A ledger of content hashes (`<raw>/_ledger/<dataset>.jsonl`) makes a repeated
delivery of the same bytes a recorded skip instead of a duplicate.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class LandedFile:
    source: str
    path: str
    rows: int
    bytes: int
    sha256: str


@dataclass
class LandingReport:
    """What one ingest did: files landed, files skipped (with reasons), rows."""

    dataset: str
    landed: list[LandedFile] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.landed)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def delivery_dir(raw_root: Path, dataset_path: str, ingest_date: date, run_id: str) -> Path:
    return raw_root / dataset_path / f"ingest_date={ingest_date.isoformat()}" / f"run_id={run_id}"


class Ledger:
    """Content hashes already landed for one dataset (append-only JSON lines)."""

    def __init__(self, raw_root: Path, dataset: str) -> None:
        self.path = raw_root / "_ledger" / f"{dataset}.jsonl"

    def hashes(self) -> set[str]:
        if not self.path.exists():
            return set()
        return {json.loads(line)["sha256"] for line in self.path.read_text().splitlines() if line}

    def record(self, entries: Iterable[LandedFile], run_id: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps({**asdict(entry), "run_id": run_id}, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def count_rows(path: Path) -> int:
    """Physical data lines in a landed file (gzip-aware)."""
    import gzip

    opener = gzip.open if path.name.endswith(".gz") else open
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    with opener(path, "rb") as handle:  # type: ignore[operator]
        return sum(1 for _ in handle)


def land_files(
    dataset: str,
    files: Iterable[tuple[Path, str]],
    raw_root: Path,
    dataset_path: str,
    ingest_date: date,
    run_id: str,
) -> LandingReport:
    """Copy `(source file, name in RAW)` pairs into one delivery folder.

    Files whose bytes were landed before are skipped with a reason. The copy is
    staged in a temp folder and renamed into place, then the manifest, then the
    ledger: a crash leaves either nothing or a complete delivery (and a rerun
    with the same run id replaces an incomplete one).
    """
    report = LandingReport(dataset)
    ledger = Ledger(raw_root, dataset)
    seen = ledger.hashes()
    target = delivery_dir(raw_root, dataset_path, ingest_date, run_id)
    staged = target.parent / f".tmp-{target.name}"
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    for source, name in files:
        if not source.is_file():
            raise FileNotFoundError(f"{dataset}: source file {source} does not exist")
        digest = sha256_file(source)
        if digest in seen:
            report.skipped.append({"source": str(source), "reason": "duplicate delivery (same sha256)"})
            continue
        if source.stat().st_size == 0:
            report.skipped.append({"source": str(source), "reason": "empty file"})
            continue
        seen.add(digest)
        dest = staged / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        report.landed.append(
            LandedFile(
                source=str(source.name),
                path=str((target / name).relative_to(raw_root)),
                rows=count_rows(dest),
                bytes=dest.stat().st_size,
                sha256=digest,
            )
        )
    if not report.landed:
        shutil.rmtree(staged)
        return report
    manifest = {
        "dataset": dataset,
        "run_id": run_id,
        "ingest_date": ingest_date.isoformat(),
        "files": [asdict(f) for f in report.landed],
        "skipped": report.skipped,
    }
    (staged / "_manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    if target.exists():  # an earlier attempt of this run that crashed before the ledger
        shutil.rmtree(target)
    os.replace(staged, target)
    ledger.record(report.landed, run_id)
    return report
