"""Public entry point: generate one population seen through five source systems.

`generate()` draws the true persons once, renders every source from them in its
native shape with the configured mess, then writes the ground truth (which person
each source record belongs to) and a manifest of every file with its sha256. Same
(customers, seed, logical_date, messiness) gives byte-identical output.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from c360.sources import reference as ref
from c360.sources.call_center import generate_call_center
from c360.sources.clickstream import generate_clickstream
from c360.sources.core_banking import generate_core_banking
from c360.sources.crm import generate_crm
from c360.sources.mainframe import generate_cards, generate_loyalty
from c360.sources.messiness import Messiness
from c360.sources.population import Population, build_population
from c360.sources.render import address_lines
from c360.sources.writing import ProgressFn, Sink, date_array, sha256_file, stage_rng

DEFAULT_LOGICAL_DATE = dt.date(2026, 11, 25)
MANIFEST = "manifest.json"
# Files a generation writes; those of an earlier generation are removed first (see generate).
OWNED_PATTERNS = (
    "crm/customers/page-*.json",
    "core_banking/*.csv",
    "mainframe/loyalty_*.dat",
    "mainframe/cards_*.csv",
    "call_center/contacts_*.csv",
    "clickstream/events/dt=*/hour=*/*.jsonl.gz",
    "_ground_truth/*.csv",
    MANIFEST,
)
# Order of source systems in `_ground_truth/records.csv` (then by source_key).
SOURCE_SYSTEMS = (
    "crm",
    "core_banking",
    "mainframe_loyalty",
    "mainframe_cards",
    "call_center",
    "clickstream_device",
)


@dataclass(frozen=True)
class GenerationResult:
    """What `generate()` wrote.

    files: dataset name -> files of that dataset (sorted paths under out_dir);
    counts: dataset name -> records written (data rows, not headers/trailers);
    persons: number of true persons.
    """

    out_dir: Path
    files: dict[str, list[Path]]
    counts: dict[str, int]
    persons: int

    @property
    def manifest_path(self) -> Path:
        """Location of the manifest (parameters, and path/rows/bytes/sha256 per file)."""
        return self.out_dir / MANIFEST


def generate(
    out_dir: Path,
    customers: int,
    seed: int,
    logical_date: dt.date = DEFAULT_LOGICAL_DATE,
    messiness: Messiness = Messiness(),  # noqa: B008 - frozen dataclass, safe as default
    progress: ProgressFn | None = None,
) -> GenerationResult:
    """Generate all source files for `customers` true persons under `out_dir`.

    `progress(stage, done, total)` is called as each stage advances. Files left by an
    earlier generation in out_dir (the `OWNED_PATTERNS`) are removed first, so a
    smaller or older run never leaves stale pages, days or hours behind; nothing else
    in out_dir is touched.
    """
    if customers < 1:
        raise ValueError(f"customers must be >= 1, got {customers}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_previous(out_dir)
    sink = Sink(out_dir=out_dir, progress=progress)
    m = messiness

    sink.report("population", 0, 1)
    pop = build_population(customers, seed, logical_date, m)
    sink.report("population", 1, 1)
    core = generate_core_banking(sink, pop, seed, m)
    generate_crm(sink, pop, seed, m)
    sink.report("mainframe", 0, 2)
    generate_loyalty(sink, pop, seed, m)
    sink.report("mainframe", 1, 2)
    generate_cards(sink, pop, core, seed, m)
    sink.report("mainframe", 2, 2)
    generate_call_center(sink, pop, core, seed, m)
    generate_clickstream(sink, pop, core, seed, m)
    sink.report("ground_truth", 0, 2)
    _write_records(sink, pop)
    sink.report("ground_truth", 1, 2)
    _write_persons(sink, pop)
    sink.report("ground_truth", 2, 2)
    _write_manifest(sink, customers, seed, logical_date, m)

    files = {name: sorted(paths) for name, paths in sorted(sink.files.items())}
    return GenerationResult(
        out_dir=out_dir, files=files, counts=dict(sorted(sink.counts.items())), persons=pop.n
    )


def _remove_previous(out_dir: Path) -> None:
    """Delete the files an earlier generation wrote, then the partition folders left empty."""
    for pattern in OWNED_PATTERNS:
        for path in sorted(out_dir.glob(pattern)):
            if path.is_file():
                path.unlink()
    events = out_dir / "clickstream" / "events"
    if events.is_dir():
        for folder in sorted(events.glob("dt=*/hour=*")) + sorted(events.glob("dt=*")):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def _write_records(sink: Sink, pop: Population) -> None:
    """`_ground_truth/records.csv`: (source_system, source_key) -> person_id, sorted."""
    systems: list[str] = []
    keys: list[str] = []
    persons: list[str] = []
    rank = {s: i for i, s in enumerate(SOURCE_SYSTEMS)}
    for system, source_keys, person_index in sorted(sink.truth, key=lambda t: rank[t[0]]):
        order = sorted(range(len(source_keys)), key=source_keys.__getitem__)
        systems.extend([system] * len(order))
        keys.extend(source_keys[i] for i in order)
        persons.extend(pop.person_id[person_index[order]].tolist())
    table = pa.table(
        {
            "source_system": pa.array(systems, pa.string()),
            "source_key": pa.array(keys, pa.string()),
            "person_id": pa.array(persons, pa.string()),
        }
    )
    sink.write_csv("ground_truth_records", "_ground_truth/records.csv", table)


def _write_persons(sink: Sink, pop: Population) -> None:
    """`_ground_truth/persons.csv`: the true attributes of every person, by person_id."""

    def strings(values: np.ndarray) -> pa.Array:
        return pa.array(values.tolist(), pa.string())

    clean = stage_rng(0, "persons")  # canonical address lines: rate 0 draws nothing
    line = address_lines(
        clean, pop.street_number, pop.street_name, pop.street_suffix, pop.unit, 0.0
    )
    prev_line = address_lines(
        clean,
        pop.prev_street_number,
        pop.prev_street_name,
        pop.prev_street_suffix,
        pop.prev_unit,
        0.0,
    )
    moved = pop.moved
    prev = _only(moved, prev_line)
    table = pa.table(
        {
            "person_id": strings(pop.person_id),
            "first_name": strings(pop.first_name),
            "last_name": strings(pop.last_name),
            "sex": strings(pop.sex),
            "birth_date": date_array(pop.birth_date),
            "national_id": strings(pop.national_id),
            "email": strings(pop.email),
            "previous_email": strings(pop.previous_email),
            "mobile_phone": strings(pop.mobile),
            "landline_phone": strings(pop.landline),
            "address_line": strings(line),
            "city": strings(pop.city(pop.city_index)),
            "state": strings(pop.state(pop.city_index)),
            "postal_code": strings(pop.postal_code),
            "previous_address_line": strings(prev),
            "previous_city": strings(_only(moved, pop.city(pop.prev_city_index))),
            "previous_state": strings(_only(moved, pop.state(pop.prev_city_index))),
            "previous_postal_code": strings(_only(moved, pop.prev_postal_code)),
            "household_id": strings(
                np.array([f"H{h + 1:07d}" for h in pop.household.tolist()], dtype=object)
            ),
            "namesake_of": strings(
                np.array(
                    [None if j < 0 else pop.person_id[j] for j in pop.namesake_of.tolist()],
                    dtype=object,
                )
            ),
            "annual_income": pa.array(np.round(pop.income).astype(np.int64)),
            "employed": pa.array(pop.employed),
            "occupation": strings(pop.occupation),
            "employer": strings(pop.employer),
            "interests": pa.array(
                [
                    ";".join(n for j, n in enumerate(ref.INTERESTS) if row[j])
                    for row in pop.interests
                ],
                pa.string(),
            ),
            "preferred_channel": strings(pop.preferred_channel),
            "customer_since": date_array(pop.customer_since),
            "in_core_banking": pa.array(pop.in_core),
            "in_crm": pa.array(pop.in_crm),
            "in_loyalty": pa.array(pop.in_loyalty),
            "has_credit_card": pa.array(pop.has_card),
            "is_caller": pa.array(pop.is_caller),
            "has_login_device": pa.array(pop.has_login_device),
            "has_anonymous_device": pa.array(pop.has_anon_device),
        }
    )
    sink.write_csv("ground_truth_persons", "_ground_truth/persons.csv", table)


def _only(keep: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Values where `keep`, None elsewhere (previous address only for movers)."""
    out = values.astype(object).copy()
    out[~keep] = None
    return out


def manifest_parameters(
    customers: int, seed: int, logical_date: dt.date, m: Messiness
) -> dict[str, object]:
    """What a generation was made from, as `manifest.json` records it under `parameters`:
    equal parameters give byte-identical sources (a cache compares them)."""
    return {
        "customers": customers,
        "seed": seed,
        "logical_date": logical_date.isoformat(),
        "messiness": m.to_dict(),
    }


def _write_manifest(
    sink: Sink, customers: int, seed: int, logical_date: dt.date, m: Messiness
) -> None:
    """`manifest.json`: parameters and (path, rows, bytes, sha256) of every file, sorted."""
    entries = []
    paths = sorted(sink.rows, key=lambda p: p.relative_to(sink.out_dir).as_posix())
    for i, path in enumerate(paths):
        entries.append(
            {
                "path": path.relative_to(sink.out_dir).as_posix(),
                "rows": sink.rows[path],
                "bytes": path.stat().st_size,
                "sha256": sha256_file(path),
            }
        )
        if i % 50 == 0 or i == len(paths) - 1:
            sink.report("manifest", i + 1, len(paths))
    manifest = {
        "generator": "c360.sources",
        "parameters": manifest_parameters(customers, seed, logical_date, m),
        "files": entries,
    }
    target = sink.out_dir / MANIFEST
    target.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
