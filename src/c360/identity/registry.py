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

import numpy as np
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
    clusters: Sequence[int] | np.ndarray,
    previous_ids: Sequence[str | None] | pa.Array | pa.ChunkedArray,
    id_format: IdFormat,
    max_issued: int,
) -> Assignment:
    """Customer id per record from its cluster label and the id it held before (or None).

    `clusters` labels must be comparable so that a smaller label means a smaller
    record id (link.py uses the smallest record index of the cluster). Counting is
    vectorised (Arrow group-by); only the grant loop runs per (cluster, old id).
    """
    labels = np.asarray(clusters, dtype=np.int64)
    previous = pa.chunked_array([pa.array(previous_ids, pa.string())]) if not isinstance(
        previous_ids, (pa.Array, pa.ChunkedArray)) else previous_ids
    unique, index = np.unique(labels, return_inverse=True)
    size = np.bincount(index, minlength=len(unique))
    held = pa.table({"c": index, "old": previous}).filter(pc.is_valid(previous)) \
        .group_by(["c", "old"]).aggregate([([], "count_all")])
    c_held = held["c"].to_numpy()
    old_held = held["old"].to_pylist()
    count_held = held["count_all"].to_numpy()
    numbers = np.array([_id_order(o, id_format)[0] for o in old_held], dtype=np.int64)
    ranks = np.argsort(np.argsort(np.array(old_held, dtype=object), kind="stable"),
                       kind="stable") if old_held else np.zeros(0, np.int64)
    order = np.lexsort((c_held, ranks, numbers, -count_held))
    granted: list[str | None] = [None] * len(unique)
    taken: set[str] = set()
    for k in order.tolist():
        cluster, old = int(c_held[k]), old_held[k]
        if granted[cluster] is None and old not in taken:
            granted[cluster] = old
            taken.add(old)
    old_by_cluster: dict[int, list[str]] = {}
    for cluster, old in zip(c_held.tolist(), old_held, strict=True):
        old_by_cluster.setdefault(cluster, []).append(old)
    next_number = max_issued
    events: list[dict[str, object]] = []
    for cluster in range(len(unique)):
        old_ids = sorted(old_by_cluster.get(cluster, ()), key=lambda i: _id_order(i, id_format))
        new_id = granted[cluster]
        if new_id is None:
            next_number += 1
            new_id = granted[cluster] = id_format.render(next_number)
        if not old_ids:
            kind = "new"
        elif len(old_ids) > 1:
            kind = "merge"
        elif old_ids[0] != new_id:
            kind = "split"
        else:
            continue
        events.append({"event_type": kind, "customer_id": new_id,
                       "previous_customer_ids": old_ids, "record_count": int(size[cluster])})
    ids = np.array(granted, dtype=object)[index]
    return Assignment(customer_ids=ids.tolist(), events=events)


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
    systems: Sequence[str] | pa.Array | pa.ChunkedArray,
    keys: Sequence[str] | pa.Array | pa.ChunkedArray,
    clusters: Sequence[int] | np.ndarray,
    rules: Sequence[str] | pa.Array | pa.ChunkedArray,
    probabilities: Sequence[float | None] | pa.Array | pa.ChunkedArray,
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
    n = len(clusters)
    run = pa.table({
        "source_system": pa.array(systems, pa.string()),
        "source_key": pa.array(keys, pa.string()),
        "position": pa.array(np.arange(n, dtype=np.int64)),
    })
    before = current.select(["source_system", "source_key", "customer_id", "valid_from",
                             "rule", "match_probability"]).rename_columns(
        ["source_system", "source_key", "old_id", "old_from", "old_rule", "old_p"])
    joined = run.join(before, ["source_system", "source_key"], join_type="left outer") \
        .sort_by("position")
    assignment = assign_customer_ids(
        clusters, joined["old_id"], id_format,
        max_issued_number(history, past_events, id_format))

    new_id = pa.array(assignment.customer_ids, pa.string())
    rule = pa.array(rules, pa.string())
    probability = pa.array(probabilities, pa.float64())
    known = pc.is_valid(joined["old_id"])
    kept = pc.fill_null(pc.equal(joined["old_id"], new_id), False).combine_chunks()
    moved = pc.and_(known, pc.invert(kept)).combine_chunks()
    nulls = pa.nulls(n, pa.date32())
    open_rows = pa.table({
        "source_system": joined["source_system"], "source_key": joined["source_key"],
        "customer_id": new_id,
        "valid_from": pc.if_else(kept, joined["old_from"], pa.array([logical_date] * n,
                                                                    pa.date32())),
        "valid_to": nulls, "rule": rule, "match_probability": probability,
    }, schema=XREF_SCHEMA)
    closed_now = pa.table({
        "source_system": joined["source_system"], "source_key": joined["source_key"],
        "customer_id": joined["old_id"], "valid_from": joined["old_from"],
        "valid_to": pa.array([logical_date] * n, pa.date32()),
        "rule": joined["old_rule"], "match_probability": joined["old_p"],
    }, schema=XREF_SCHEMA).filter(moved)
    gone = current.join(run.select(["source_system", "source_key"]),
                        ["source_system", "source_key"], join_type="left anti")
    gone = gone.set_column(gone.schema.get_field_index("valid_to"), "valid_to",
                           pa.array([logical_date] * gone.num_rows, pa.date32()))
    closed_before = history.filter(pc.is_valid(history["valid_to"]))
    xref = pa.concat_tables([closed_before, closed_now, gone.select(XREF_SCHEMA.names)
                             .cast(XREF_SCHEMA), open_rows]).sort_by(
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
    previously_known = int(pc.sum(known).as_py() or 0)
    kept_count = int(pc.sum(kept).as_py() or 0)
    stats: dict[str, object] = {
        "customers": len(set(assignment.customer_ids)),
        "records_known_before": previously_known,
        "records_kept_id": kept_count,
        "records_changed_id": int(pc.sum(moved).as_py() or 0),
        "records_gone": gone.num_rows,
        "id_stability": round(kept_count / previously_known, 6) if previously_known else None,
        "events": {k: kinds.get(k, 0) for k in ("new", "merge", "split")},
    }
    return RegistryUpdate(xref=xref, events=pa.concat_tables([past_events, run_events]),
                          customer_ids=assignment.customer_ids, stats=stats)
