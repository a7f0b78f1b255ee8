"""The generated population's personal data, and scanners that look for it anywhere.

The generator's ground truth (`_ground_truth/persons.csv`, never in the lake)
lists every person's names, emails, phones and national id. A scan looks for
each value in the shapes sources write it: emails in any case, phones in every
format the sources use, national ids as written, names as "First Last" and
"LAST, FIRST" (case-insensitive). Text is read from every file of a folder:
Parquet cell by cell (one line per row), CSV, JSON, `.dat` and gzip by content.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Person:
    person_id: str
    first_name: str
    last_name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    """10-digit numbers."""
    national_id: str

    def needles(self, names: bool = True) -> dict[str, str]:
        """`{lower-case text to look for: what it is}`."""
        found = {e.lower(): "email" for e in self.emails}
        for digits in self.phones:
            for shape in phone_shapes(digits):
                found[shape.lower()] = "phone"
        found[self.national_id] = "national id"
        if names:
            found[f"{self.first_name} {self.last_name}".lower()] = "name"
            found[f"{self.last_name}, {self.first_name}".lower()] = "name"
        return found


def phone_shapes(digits: str) -> list[str]:
    """Every format the sources write a 10-digit phone in (c360.sources.noise)."""
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return [digits, f"+1 {a}-{b}-{c}", f"({a}) {b} {c}", f"{a}.{b}.{c}", f"{a}-{b}-{c}",
            f"+1{digits}"]


def population(sources: Path) -> list[Person]:
    with (sources / "_ground_truth" / "persons.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [Person(
        person_id=r["person_id"], first_name=r["first_name"], last_name=r["last_name"],
        emails=tuple(e for e in (r["email"], r["previous_email"]) if e),
        phones=tuple(p for p in (r["mobile_phone"], r["landline_phone"]) if p),
        national_id=r["national_id"]) for r in rows]


def texts(path: Path) -> Iterator[str]:
    """The text content of one file, lower-cased (Parquet: one line per row)."""
    yield from texts_of(path.name, path.read_bytes())


def texts_of(name: str, data: bytes) -> Iterator[str]:
    """The same for an object's bytes (`name` tells Parquet and gzip apart)."""
    if name.endswith(".parquet"):
        for row in pq.read_table(pa.BufferReader(data)).to_pylist():
            yield " | ".join("" if v is None else str(v) for v in row.values()).lower()
        return
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    yield data.decode("utf-8", "replace").lower()


def scan_objects(objects: Iterable[tuple[str, bytes]], needles: dict[str, str]) -> list[str]:
    """`"<key>: <kind>"` for every object (key, bytes) holding one of `needles`."""
    return [f"{key}: {kind}" for key, data in objects
            for kind in _hits(texts_of(key, data), needles)]


def scan_files(root: Path, needles: dict[str, str]) -> list[str]:
    """`"<file>: <kind>"` for every file under `root` holding one of `needles`."""
    return [f"{path.relative_to(root)}: {kind}" for path in sorted(root.rglob("*"))
            if path.is_file() for kind in _hits(texts(path), needles)]


def scan_text(text: str, needles: dict[str, str]) -> list[str]:
    return sorted(set(_hits([text.lower()], needles)))


def _hits(chunks: Iterable[str], needles: dict[str, str]) -> Iterator[str]:
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)))
    for chunk in chunks:
        for match in pattern.finditer(chunk):
            if _whole(chunk, match.start(), match.end()):
                yield needles[match.group(0)]


def _whole(text: str, start: int, end: int) -> bool:
    """The match is not part of a longer word or number (e.g. a phone inside an id)."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())
