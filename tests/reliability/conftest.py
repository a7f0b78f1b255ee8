"""Reliability and privacy tests: erasure, crash recovery, locking, log hygiene.

The end-to-end tests share one `c360 demo` (300 persons, seed 11), run once per
session in a subprocess with its logs captured; each test works on a copy of its
lake. Tests that use it are grouped on one xdist worker (`xdist_group`).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from harness.fixtures import aws_env, emulator, unique_name  # noqa: F401
from pii import Person, population

DAY1 = date(2026, 11, 25)
DAY2 = date(2026, 11, 26)
CUSTOMERS = 300
SEED = 11
REPO = Path(__file__).resolve().parents[2]


def cli_env(lake: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a `c360` subprocess: this one, the lake at `lake`, JSON logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("C360_", "AWS_"))}
    env["C360_LOG_LEVEL"] = "INFO"
    if lake is not None:
        env["C360_LAKE_ROOT"] = str(lake)
    env.update(extra)
    return env


def c360(*args: str, lake: Path | None = None, timeout: float = 600, **extra: str
         ) -> subprocess.CompletedProcess[str]:
    """Run the `c360` command line in a subprocess (as an operator would)."""
    return subprocess.run([sys.executable, "-m", "c360.cli", *args], cwd=REPO,
                          env=cli_env(lake, **extra), capture_output=True, text=True,
                          timeout=timeout, check=False)


@dataclass(frozen=True)
class Demo:
    workdir: Path
    stdout: str
    stderr: str

    @property
    def lake(self) -> Path:
        return self.workdir / "lake"

    @property
    def sources(self) -> Path:
        return self.workdir / "sources"


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """`c360 demo` once: sources, a clean daily run, a profile; stdout and logs kept."""
    workdir = tmp_path_factory.mktemp("demo")
    done = c360("demo", "--customers", str(CUSTOMERS), "--seed", str(SEED),
                "--workdir", str(workdir), "--logical-date", DAY1.isoformat())
    assert done.returncode == 0, done.stderr[-3000:]
    return Demo(workdir, done.stdout, done.stderr)


def upload_folder(s3: object, bucket: str, folder: Path) -> int:
    """Put every file under `folder` (dot-folders left out) into `bucket`, keyed by its
    relative path, as a layer's files land in its bucket; returns how many."""
    count = 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(p.startswith(".") for p in relative.parts):
            s3.put_object(Bucket=bucket, Key=relative.as_posix(),  # type: ignore[attr-defined]
                          Body=path.read_bytes())
            count += 1
    return count


def copy_lake(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def next_delivery(sources: Path, target: Path) -> Path:
    """Day 2 of the same population (same seed): the next files of every source."""
    from c360.sources.generator import generate

    generate(target, customers=CUSTOMERS, seed=SEED, logical_date=DAY2)
    return target


def change_crm_record(sources: Path, record_id: str, changed_at: str, **changes: object) -> None:
    """Make the CRM return `record_id` changed since the last fetch (a new last page)."""
    pages = sorted((sources / "crm" / "customers").glob("page-*.json"))
    record = next(r for page in pages for r in json.loads(page.read_text())["data"]
                  if r["id"] == record_id)
    for key, value in changes.items():
        if isinstance(value, dict):
            record[key] = {**record.get(key, {}), **value}
        else:
            record[key] = value
    record["updated_at"] = changed_at
    body = {"data": [record], "page": 99999, "page_size": 500, "total": 1, "next_cursor": None}
    (sources / "crm" / "customers" / "page-99999.json").write_text(json.dumps(body))


def source_records(sources: Path, person_id: str) -> list[tuple[str, str]]:
    with (sources / "_ground_truth" / "records.csv").open(encoding="utf-8", newline="") as fh:
        return [(r["source_system"], r["source_key"]) for r in csv.DictReader(fh)
                if r["person_id"] == person_id]


def well_known_person(sources: Path) -> Person:
    """A person in every source, whose identifiers and last name nobody else has.

    Shared values (a household landline, a namesake) belong to the other person
    too and rightly stay; this person's values must all go.
    """
    with (sources / "_ground_truth" / "persons.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    households = Counter(r["household_id"] for r in rows)
    everyone = {r["person_id"]: r for r in rows}
    flags = ("in_core_banking", "in_crm", "in_loyalty", "has_credit_card", "is_caller",
             "has_login_device")
    for person in population(sources):
        row = everyone[person.person_id]
        if not all(row[f] == "true" for f in flags) or row["landline_phone"]:
            continue
        if households[row["household_id"]] > 1 or row["namesake_of"] or not row["email"]:
            continue
        others = " ".join(" ".join(r.values()) for pid, r in everyone.items()
                          if pid != person.person_id).lower()
        if person.last_name.lower() in others or any(e.lower() in others for e in person.emails):
            continue
        return person
    raise AssertionError("no person in every source with unshared identifiers")


def latest_profiles(lake: Path) -> dict[str, dict[str, object]]:
    """The latest `c360_customer_profile` snapshot, by customer id."""
    from c360.serving.source import read_profiles

    return {str(r["customer_id"]): r
            for r in read_profiles(str(lake / "analytics" / "c360_customer_profile"))}


def customer_ids_of(lake: Path, records: list[tuple[str, str]]) -> set[str]:
    """The customer ids the registry gives these source records."""
    import pyarrow.parquet as pq

    xref = pq.read_table(lake / "stage" / "int_customer_xref").to_pylist()
    wanted = set(records)
    return {r["customer_id"] for r in xref if (r["source_system"], r["source_key"]) in wanted}
