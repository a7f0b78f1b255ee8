"""Persistent customer ids: clusters keep the id their members had before.

Rules (docs/identity.md, "Persistent ids"):
- Each cluster of this run looks at the ids its records held before the run.
  Candidate (cluster, old id) pairs are taken in order of how many records of the
  cluster held that id (most first), then the smaller (older) id, then the
  cluster with the smaller record id; a pair is granted when neither the cluster
  nor the id is taken yet. Hence:
  * merge: the id held by most members survives (ties: the oldest id); the other
    ids are retired, never reused;
  * split: the part holding most of the old id's records keeps it (ties: the
    part with the smallest record id); the other parts get new ids.
- A cluster that is granted no old id gets a new one: the next number after the
  largest id ever issued, in order of the clusters' smallest record id.
- Every change is an event in `int_identity_events`: `new` (no member had an
  id), `merge` (members held 2+ ids; all listed), `split` (the cluster's only old
  id lives on in another cluster). Nothing is renumbered silently.

`int_customer_xref` keeps history (SCD type 2): a record's row is closed
(`valid_to` = the logical date) when its customer id changes or the record is
gone, and a new row opens (`valid_from` = the logical date). Rerunning a logical
date recomputes from the state as of that date, so reruns are idempotent.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

XREF_SCHEMA = pa.schema([
    ("source_system", pa.string()),
    ("source_key", pa.string()),
    ("customer_id", pa.string()),
    ("valid_from", pa.date32()),
    ("valid_to", pa.date32()),
    ("rule", pa.string()),
    ("match_probability", pa.float64()),
])
EVENTS_SCHEMA = pa.schema([
    ("event_type", pa.string()),
    ("customer_id", pa.string()),
    ("previous_customer_ids", pa.list_(pa.string())),
    ("record_count", pa.int64()),
    ("run_id", pa.string()),
    ("logical_date", pa.date32()),
])


@dataclass(frozen=True)
class IdFormat:
    prefix: str = "C"
    digits: int = 10

    def render(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.digits}d}"

    def number(self, customer_id: str) -> int | None:
        match = re.fullmatch(rf"{re.escape(self.prefix)}(\d+)", customer_id or "")
        return int(match.group(1)) if match else None


@dataclass
class Assignment:
    customer_ids: list[str]
    """One id per record, in input order."""
    events: list[dict[str, object]]
    """`event_type, customer_id, previous_customer_ids, record_count` per change."""


def assign_customer_ids(
    clusters: Sequence[int],
    previous_ids: Sequence[str | None],
    id_format: IdFormat,
    max_issued: int,
) -> Assignment:
    """Customer id per record from its cluster label and the id it held before (or None).

    `clusters` labels must be comparable so that a smaller label means a smaller
    record id (link.py uses the smallest record index of the cluster).
    """
    held: dict[int, Counter[str]] = {}
    size: Counter[int] = Counter()
    for cluster, old in zip(clusters, previous_ids, strict=True):
        size[cluster] += 1
        if old is not None:
            held.setdefault(cluster, Counter())[old] += 1
    candidates = sorted(
        ((count, old, cluster) for cluster, counter in held.items()
         for old, count in counter.items()),
        key=lambda t: (-t[0], _id_order(t[1], id_format), t[2]),
    )
    granted: dict[int, str] = {}
    taken: set[str] = set()
    for _, old, cluster in candidates:
        if cluster in granted or old in taken:
            continue
        granted[cluster] = old
        taken.add(old)
    next_number = max_issued
    events: list[dict[str, object]] = []
    for cluster in sorted(size):
        old_ids = sorted(held.get(cluster, {}), key=lambda i: _id_order(i, id_format))
        if cluster not in granted:
            next_number += 1
            granted[cluster] = id_format.render(next_number)
        new_id = granted[cluster]
        if not old_ids:
            kind = "new"
        elif len(old_ids) > 1:
            kind = "merge"
        elif old_ids[0] != new_id:
            kind = "split"
        else:
            continue
        events.append({"event_type": kind, "customer_id": new_id,
                       "previous_customer_ids": old_ids, "record_count": size[cluster]})
    return Assignment(customer_ids=[granted[c] for c in clusters], events=events)


def _id_order(customer_id: str, id_format: IdFormat) -> tuple[int, str]:
    number = id_format.number(customer_id)
    return (number if number is not None else -1, customer_id)


def state_as_of(xref: pa.Table | None, logical_date: date) -> pa.Table:
    """The xref history as it stood before `logical_date` was processed.

    Rows opened on or after the date are dropped and rows closed on or after it are
    open again: a rerun of a date starts from the same state as its first run.
    """
    if xref is None or xref.num_rows == 0:
        return XREF_SCHEMA.empty_table()
    xref = _conform(xref)
    day = pa.scalar(logical_date, pa.date32())
    before = pc.or_kleene(pc.is_null(xref["valid_from"]), pc.less(xref["valid_from"], day))
    xref = xref.filter(before)
    reopen = pc.fill_null(pc.greater_equal(xref["valid_to"], day), False)
    valid_to = pc.if_else(reopen, pa.nulls(xref.num_rows, pa.date32()), xref["valid_to"])
    return xref.set_column(xref.schema.get_field_index("valid_to"), "valid_to", valid_to)


def _conform(xref: pa.Table) -> pa.Table:
    """Bring an older xref (e.g. without validity columns) to XREF_SCHEMA."""
    columns = []
    for f in XREF_SCHEMA:
        if f.name in xref.column_names:
            columns.append(xref[f.name].cast(f.type))
        else:
            columns.append(pa.nulls(xref.num_rows, f.type))
    return pa.Table.from_arrays(columns, schema=XREF_SCHEMA)


def max_issued_number(xref: pa.Table, events: pa.Table | None, id_format: IdFormat) -> int:
    """The largest id number ever issued (retired ids included), 0 when none."""
    ids = set(xref["customer_id"].drop_null().to_pylist())
    if events is not None and events.num_rows:
        ids.update(events["customer_id"].drop_null().to_pylist())
        for previous in events["previous_customer_ids"].to_pylist():
            ids.update(previous or [])
    numbers = [n for n in (id_format.number(i) for i in ids) if n is not None]
    return max(numbers, default=0)


def events_as_of(events: pa.Table | None, logical_date: date) -> pa.Table:
    """Events recorded before `logical_date` (a rerun replaces that date's events)."""
    if events is None or events.num_rows == 0:
        return EVENTS_SCHEMA.empty_table()
    events = events.select(EVENTS_SCHEMA.names).cast(EVENTS_SCHEMA)
    return events.filter(pc.less(events["logical_date"], pa.scalar(logical_date, pa.date32())))


@dataclass
class RegistryUpdate:
    xref: pa.Table
    """Full history, XREF_SCHEMA."""
    events: pa.Table
    """All events up to and including this run, EVENTS_SCHEMA."""
    customer_ids: list[str]
    stats: dict[str, object]


def update_registry(
    systems: Sequence[str],
    keys: Sequence[str],
    clusters: Sequence[int],
    rules: Sequence[str],
    probabilities: Sequence[float | None],
    previous_xref: pa.Table | None,
    previous_events: pa.Table | None,
    id_format: IdFormat,
    run_id: str,
    logical_date: date,
) -> RegistryUpdate:
    """Assign persistent ids to this run's records and roll the xref history forward."""
    history = state_as_of(previous_xref, logical_date)
    past_events = events_as_of(previous_events, logical_date)
    current = history.filter(pc.is_null(history["valid_to"]))
    current_id = {
        (s, k): c for s, k, c in zip(current["source_system"].to_pylist(),
                                     current["source_key"].to_pylist(),
                                     current["customer_id"].to_pylist(), strict=True)
    }
    record_keys = list(zip(systems, keys, strict=True))
    assignment = assign_customer_ids(
        clusters, [current_id.get(k) for k in record_keys], id_format,
        max_issued_number(history, past_events, id_format))

    closed_rows = history.filter(pc.invert(pc.is_null(history["valid_to"])))
    open_from = {
        (s, k): f for s, k, f in zip(current["source_system"].to_pylist(),
                                     current["source_key"].to_pylist(),
                                     current["valid_from"].to_pylist(), strict=True)
    }
    prev_rule = {
        (s, k): (r, p) for s, k, r, p in zip(
            current["source_system"].to_pylist(), current["source_key"].to_pylist(),
            current["rule"].to_pylist(), current["match_probability"].to_pylist(), strict=True)
    }
    out: dict[str, list[object]] = {name: [] for name in XREF_SCHEMA.names}

    def add(system: str, key: str, customer: str, start: object, end: object, rule: object,
            probability: object) -> None:
        for name, value in zip(XREF_SCHEMA.names,
                               (system, key, customer, start, end, rule, probability),
                               strict=True):
            out[name].append(value)

    seen: set[tuple[str, str]] = set()
    changed = 0
    for (system, key), customer, rule, p in zip(record_keys, assignment.customer_ids, rules,
                                                probabilities, strict=True):
        seen.add((system, key))
        before = current_id.get((system, key))
        if before == customer:
            add(system, key, customer, open_from[(system, key)], None, rule, p)
            continue
        if before is not None:
            changed += 1
            add(system, key, before, open_from[(system, key)], logical_date,
                *prev_rule[(system, key)])
        add(system, key, customer, logical_date, None, rule, p)
    gone = 0
    for (system, key), customer in current_id.items():
        if (system, key) not in seen:
            gone += 1
            add(system, key, customer, open_from[(system, key)], logical_date,
                *prev_rule[(system, key)])
    fresh = pa.table(out, schema=XREF_SCHEMA)
    xref = pa.concat_tables([closed_rows, fresh]).sort_by(
        [("source_system", "ascending"), ("source_key", "ascending"),
         ("valid_from", "ascending")])
    run_events = pa.table({
        "event_type": [e["event_type"] for e in assignment.events],
        "customer_id": [e["customer_id"] for e in assignment.events],
        "previous_customer_ids": [e["previous_customer_ids"] for e in assignment.events],
        "record_count": [e["record_count"] for e in assignment.events],
        "run_id": [run_id] * len(assignment.events),
        "logical_date": [logical_date] * len(assignment.events),
    }, schema=EVENTS_SCHEMA)
    kinds = Counter(e["event_type"] for e in assignment.events)
    kept = sum(1 for k, c in zip(record_keys, assignment.customer_ids, strict=True)
               if current_id.get(k) == c)
    previously_known = sum(1 for k in record_keys if k in current_id)
    stats: dict[str, object] = {
        "customers": len(set(assignment.customer_ids)),
        "records_known_before": previously_known,
        "records_kept_id": kept,
        "records_changed_id": changed,
        "records_gone": gone,
        "id_stability": round(kept / previously_known, 6) if previously_known else None,
        "events": {k: kinds.get(k, 0) for k in ("new", "merge", "split")},
    }
    return RegistryUpdate(xref=xref, events=pa.concat_tables([past_events, run_events]),
                          customer_ids=assignment.customer_ids, stats=stats)
