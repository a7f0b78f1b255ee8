"""Readers for the generated source files, shared by the source-generator tests.

They parse each file the way a downstream consumer would (json, csv, fixed width,
gzip JSON lines), so the tests check the files, not the generator's internals. Outputs never change
within a test session, so the heavier readers are cached per path.
"""

from __future__ import annotations

import csv
import functools
import gzip
import json
from pathlib import Path
from typing import Any

from c360.sources.mainframe import LOYALTY_LAYOUT, parse_fixed
from c360.sources.messiness import Messiness

CUSTOMERS = 600
SEED = 7
NAME_MESS_OFF = Messiness(nickname_rate=0, typo_rate=0, case_noise_rate=0, whitespace_noise_rate=0)


@functools.cache
def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a headed CSV file as dicts (empty string for NULL)."""
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@functools.cache
def crm_pages(out: Path) -> list[dict[str, Any]]:
    """The CRM API pages in page-number order."""
    pages = sorted((out / "crm" / "customers").glob("page-*.json"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in pages]


def crm_records(out: Path) -> list[dict[str, Any]]:
    """All CRM records, in served order."""
    return [r for page in crm_pages(out) for r in page["data"]]


def loyalty_lines(out: Path) -> list[str]:
    """Lines of the single loyalty file, without line terminators."""
    (path,) = sorted((out / "mainframe").glob("loyalty_*.dat"))
    return path.read_text(encoding="ascii").split("\n")[:-1]


def loyalty_details(out: Path) -> list[dict[str, str]]:
    """Loyalty detail records split by LOYALTY_LAYOUT (fields keep their padding)."""
    return [parse_fixed(line, LOYALTY_LAYOUT) for line in loyalty_lines(out) if line[0] == "D"]


def cards_file(out: Path) -> tuple[list[str], list[dict[str, str]], list[str]]:
    """(header fields, detail rows as dicts, trailer fields) of the card statement file."""
    (path,) = sorted((out / "mainframe").glob("cards_*.csv"))
    with path.open(newline="", encoding="ascii") as fh:
        rows = list(csv.reader(fh))
    columns = rows[1]
    details = [dict(zip(columns, r, strict=True)) for r in rows[2:-1]]
    return rows[0], details, rows[-1]


def contacts(out: Path) -> list[dict[str, str]]:
    """All call-center contacts over the daily files."""
    rows: list[dict[str, str]] = []
    for path in sorted((out / "call_center").glob("contacts_*.csv")):
        rows.extend(read_csv(path))
    return rows


def event_files(out: Path) -> list[Path]:
    """Every clickstream file."""
    return sorted((out / "clickstream" / "events").rglob("*.jsonl.gz"))


@functools.cache
def lines_of(path: Path) -> list[str]:
    """Lines of one clickstream file, in file order."""
    return gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()


def _parsed(line: str) -> dict[str, Any] | None:
    try:
        return json.loads(line)  # type: ignore[no-any-return]
    except json.JSONDecodeError:
        return None


@functools.cache
def events_of(path: Path) -> list[dict[str, Any]]:
    """Whole deliveries of one clickstream file, in file order (a cut-off line is left out;
    a repeated delivery is kept)."""
    return [e for e in map(_parsed, lines_of(path)) if e is not None]


def broken_lines(out: Path) -> list[str]:
    """Clickstream lines that are not JSON (deliveries cut off mid-line)."""
    return [line for p in event_files(out) for line in lines_of(p) if _parsed(line) is None]


def deliveries(out: Path) -> list[dict[str, Any]]:
    """Every whole clickstream delivery, repeats included."""
    return [e for p in event_files(out) for e in events_of(p)]


def events(out: Path) -> list[dict[str, Any]]:
    """Each clickstream event once: its first delivery (earliest received_at)."""
    first: dict[str, dict[str, Any]] = {}
    for e in deliveries(out):
        seen = first.get(e["event_id"])
        if seen is None or e["received_at"] < seen["received_at"]:
            first[e["event_id"]] = e
    return list(first.values())


@functools.cache
def truth(out: Path) -> list[dict[str, str]]:
    """`_ground_truth/records.csv` rows."""
    return read_csv(out / "_ground_truth" / "records.csv")


@functools.cache
def persons(out: Path) -> dict[str, dict[str, str]]:
    """`_ground_truth/persons.csv` rows by person_id."""
    return {r["person_id"]: r for r in read_csv(out / "_ground_truth" / "persons.csv")}


def person_of(out: Path, system: str) -> dict[str, str]:
    """source_key -> person_id for one source system."""
    return {r["source_key"]: r["person_id"] for r in truth(out) if r["source_system"] == system}
