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


@dataclass
class _Grants:
    """`assign_customer_ids` in Arrow form (what `update_registry` writes)."""

    customer_ids: pa.Array
    """One id per record, in input order."""
    events: pa.Table
    """`event_type, customer_id, previous_customer_ids, record_count` per change."""


def assign_customer_ids(
    clusters: Sequence[int] | np.ndarray,
    previous_ids: Sequence[str | None] | pa.Array | pa.ChunkedArray,
    id_format: IdFormat,
    max_issued: int,
) -> Assignment:
    """Customer id per record from its cluster label and the id it held before (or None).

    `clusters` labels must be comparable so that a smaller label means a smaller
    record id (link.py uses the smallest record index of the cluster).
    """
    grants = _grant_ids(clusters, previous_ids, id_format, max_issued)
    return Assignment(customer_ids=grants.customer_ids.to_pylist(),
                      events=grants.events.to_pylist())


def _grant_ids(
    clusters: Sequence[int] | np.ndarray,
    previous_ids: Sequence[str | None] | pa.Array | pa.ChunkedArray,
    id_format: IdFormat,
    max_issued: int,
) -> _Grants:
    """`assign_customer_ids`, vectorised: counting is an Arrow group-by and the grant
    loop runs only over contested (cluster, old id) pairs (a cluster or an id that
    appears in more than one pair); an uncontested pair is always granted."""
    labels = np.asarray(clusters, dtype=np.int64)
    previous = _as_array(previous_ids, pa.string())
    unique, index = _dense_labels(labels)
    size = np.bincount(index, minlength=len(unique))
    held = pa.table({"c": index, "old": previous}).filter(pc.is_valid(previous)) \
        .group_by(["c", "old"]).aggregate([([], "count_all")])
    c_held = held["c"].to_numpy().astype(np.int64)
    old_held = _as_array(held["old"], pa.string())
    count_held = held["count_all"].to_numpy()
    numbers = _id_numbers(old_held, id_format)
    # Equal ids rank equal, so a tie on (count, id) goes to the cluster with the smaller
    # record id, as documented; the group-by's row order (not stable between runs when
    # Arrow groups on several threads) decides nothing. UTF-8 byte order = str order.
    ranks = pc.rank(old_held, sort_keys="ascending", tiebreaker="dense").to_numpy() \
        .astype(np.int64) if len(old_held) else np.zeros(0, np.int64)
    order = np.lexsort((c_held, ranks, numbers, -count_held))

    granted = np.full(len(unique), -1, dtype=np.int64)  # held row granted to each cluster
    id_code = pc.dictionary_encode(old_held).indices.to_numpy().astype(np.int64)
    pairs_of_cluster = np.bincount(c_held, minlength=len(unique))
    pairs_of_id = np.bincount(id_code) if len(id_code) else np.zeros(0, np.int64)
    free = (pairs_of_cluster[c_held] == 1) & (pairs_of_id[id_code] == 1)
    granted[c_held[free]] = np.flatnonzero(free)
    taken: set[int] = set()
    for k in order[~free[order]].tolist():
        cluster, old = int(c_held[k]), int(id_code[k])
        if granted[cluster] < 0 and old not in taken:
            granted[cluster] = k
            taken.add(old)

    missing = np.flatnonzero(granted < 0)
    ids = np.empty(len(unique), dtype=object)
    ids[granted >= 0] = np.asarray(old_held.take(pa.array(granted[granted >= 0])).to_pylist(),
                                   dtype=object)
    ids[missing] = _render(max_issued + 1, len(missing), id_format)
    cluster_ids = pa.array(ids, pa.string())

    # Events: `new` (no old id), `merge` (2+ old ids), `split` (its only old id went
    # elsewhere); previous ids in id order, events in cluster order.
    olds = pairs_of_cluster
    single = np.flatnonzero(olds == 1)
    row_of_single = np.full(len(unique), -1, dtype=np.int64)
    row_of_single[c_held[olds[c_held] == 1]] = np.flatnonzero(olds[c_held] == 1)
    moved = np.zeros(len(unique), dtype=bool)
    if len(single):
        moved[single] = pc.not_equal(
            old_held.take(pa.array(row_of_single[single])),
            cluster_ids.take(pa.array(single))).to_numpy(zero_copy_only=False)
    has_event = (olds == 0) | (olds > 1) | moved
    event_clusters = np.flatnonzero(has_event)
    kind = np.where(olds[event_clusters] == 0, "new",
                    np.where(olds[event_clusters] > 1, "merge", "split"))
    by_cluster = np.lexsort((ranks, numbers, c_held))
    listed = by_cluster[has_event[c_held[by_cluster]]]
    offsets = np.concatenate([[0], np.cumsum(olds[event_clusters])]).astype(np.int32)
    events = pa.table({
        "event_type": pa.array(kind.tolist(), pa.string()),
        "customer_id": cluster_ids.take(pa.array(event_clusters, pa.int64())),
        "previous_customer_ids": pa.ListArray.from_arrays(
            pa.array(offsets, pa.int32()), old_held.take(pa.array(listed, pa.int64()))),
        "record_count": pa.array(size[event_clusters], pa.int64()),
    })
    return _Grants(customer_ids=cluster_ids.take(pa.array(index)), events=events)


def _dense_labels(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(labels, return_inverse=True)`; in linear time for record-index labels."""
    if len(labels) and labels.min() >= 0 and labels.max() < 4 * len(labels):
        present = np.zeros(int(labels.max()) + 1, dtype=bool)
        present[labels] = True
        rank = np.cumsum(present, dtype=np.int64) - 1
        return np.flatnonzero(present).astype(np.int64), rank[labels]
    unique, index = np.unique(labels, return_inverse=True)
    return unique, index.reshape(-1).astype(np.int64)


def _as_array(values: Sequence[object] | np.ndarray | pa.Array | pa.ChunkedArray,
              type_: pa.DataType) -> pa.Array:
    """`values` as one Arrow array of `type_`; Arrow input is cast, not iterated in Python."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values.cast(type_)
    return pa.array(values, type_)


def _render(first: int, count: int, id_format: IdFormat) -> list[str]:
    """`count` consecutive ids from number `first` (`IdFormat.render`, vectorised)."""
    if count == 0:
        return []
    if first + count >= 2**62:  # beyond int64: Python's integers
        return [id_format.render(number) for number in range(first, first + count)]
    digits = pc.cast(pa.array(np.arange(first, first + count, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(
        id_format.prefix, pc.utf8_lpad(digits, width=id_format.digits, padding="0"), ""
    ).to_pylist()


def _id_numbers(ids: pa.Array, id_format: IdFormat) -> np.ndarray:
    """`IdFormat.number` of each id (no nulls), -1 when an id is not in the format.

    Vectorised for ASCII ids of up to 18 digits; any other id goes through
    `IdFormat.number` itself (and past int64 the array holds Python integers).
    """
    numbers = np.full(len(ids), -1, dtype=np.int64)
    if not len(ids):
        return numbers
    prefix = id_format.prefix
    plain = pc.string_is_ascii(ids).to_numpy(zero_copy_only=False) & prefix.isascii()
    prefixed = pc.starts_with(ids, prefix).to_numpy(zero_copy_only=False)
    digits = pc.utf8_slice_codeunits(ids, start=len(prefix))
    short = pc.utf8_length(digits).to_numpy() <= 18
    rows = np.flatnonzero(plain & prefixed & short
                          & pc.ascii_is_decimal(digits).to_numpy(zero_copy_only=False))
    numbers[rows] = pc.cast(digits.take(pa.array(rows)), pa.int64()).to_numpy()
    others = np.flatnonzero(~plain | (prefixed & ~short))
    if len(others):
        found = [id_format.number(i) for i in ids.take(pa.array(others)).to_pylist()]
        if any(n is not None and n >= 2**63 for n in found):
            numbers = numbers.astype(object)
        numbers[others] = [-1 if n is None else n for n in found]
    return numbers


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
    ids = [xref["customer_id"]]
    if events is not None and events.num_rows:
        ids += [events["customer_id"], pc.list_flatten(events["previous_customer_ids"])]
    distinct = pc.unique(pa.chunked_array(
        [chunk for column in ids for chunk in column.cast(pa.string()).chunks], pa.string()))
    numbers = _id_numbers(distinct.drop_null(), id_format)
    return max(int(numbers.max()), 0) if len(numbers) else 0


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
    system = _as_array(systems, pa.string())
    key = _as_array(keys, pa.string())
    # Each record's open row before this run (null when new), in record order.
    before = pc.take(current, _find_rows(system, key, current["source_system"],
                                         current["source_key"]))
    grants = _grant_ids(clusters, before["customer_id"], id_format,
                        max_issued_number(history, past_events, id_format))

    new_id = grants.customer_ids
    rule = _as_array(rules, pa.string())
    probability = _as_array(probabilities, pa.float64())
    known = pc.is_valid(before["customer_id"])
    kept = pc.fill_null(pc.equal(before["customer_id"], new_id), False).combine_chunks()
    moved = pc.and_(known, pc.invert(kept)).combine_chunks()
    day = pa.repeat(pa.scalar(logical_date, pa.date32()), n)
    open_rows = pa.table({
        "source_system": system, "source_key": key, "customer_id": new_id,
        "valid_from": pc.if_else(kept, before["valid_from"], day),
        "valid_to": pa.nulls(n, pa.date32()), "rule": rule, "match_probability": probability,
    }, schema=XREF_SCHEMA)
    closed_now = pa.table({
        "source_system": system, "source_key": key,
        "customer_id": before["customer_id"], "valid_from": before["valid_from"],
        "valid_to": day, "rule": before["rule"], "match_probability": before["match_probability"],
    }, schema=XREF_SCHEMA).filter(moved)
    in_run = _find_rows(current["source_system"], current["source_key"], system, key,
                        unique=False)
    gone = current.filter(pc.is_null(in_run))
    gone = gone.set_column(gone.schema.get_field_index("valid_to"), "valid_to",
                           pa.repeat(pa.scalar(logical_date, pa.date32()), gone.num_rows))
    closed_before = history.filter(pc.is_valid(history["valid_to"]))
    xref = pa.concat_tables([closed_before, closed_now, gone, open_rows])
    order = ["source_system", "source_key", "valid_from"]
    if not _in_order(xref, order):  # a first run's rows usually are: no sort needed
        xref = xref.sort_by([(column, "ascending") for column in order])
    count = grants.events.num_rows
    run_events = pa.table({
        **{name: grants.events[name] for name in grants.events.column_names},
        "run_id": pa.repeat(pa.scalar(run_id, pa.string()), count),
        "logical_date": pa.repeat(pa.scalar(logical_date, pa.date32()), count),
    }, schema=EVENTS_SCHEMA)
    kinds = dict(zip(*np.unique(grants.events["event_type"].to_numpy(zero_copy_only=False),
                                return_counts=True), strict=True))
    previously_known = int(pc.sum(known).as_py() or 0)
    kept_count = int(pc.sum(kept).as_py() or 0)
    customer_ids = new_id.to_pylist()
    stats: dict[str, object] = {
        "customers": len(pc.unique(new_id)),
        "records_known_before": previously_known,
        "records_kept_id": kept_count,
        "records_changed_id": int(pc.sum(moved).as_py() or 0),
        "records_gone": gone.num_rows,
        "id_stability": round(kept_count / previously_known, 6) if previously_known else None,
        "events": {k: int(kinds.get(k, 0)) for k in ("new", "merge", "split")},
    }
    return RegistryUpdate(xref=xref, events=pa.concat_tables([past_events, run_events]),
                          customer_ids=customer_ids, stats=stats)


def _in_order(table: pa.Table, columns: Sequence[str]) -> bool:
    """True when the rows are already in ascending order of `columns` (and hold no null).

    A stable sort leaves such a table as it is, so checking (a few vectorised
    comparisons of neighbouring rows) is cheaper than sorting a first run's rows.
    """
    n = table.num_rows
    if n < 2:
        return True
    tied = np.ones(n - 1, dtype=bool)  # neighbours equal on the columns checked so far
    for column in columns:
        values = table[column]
        if values.null_count:
            return False
        before, after = values.slice(0, n - 1), values.slice(1)
        if bool(np.any(tied & pc.greater(before, after).to_numpy(zero_copy_only=False))):
            return False
        tied &= pc.equal(before, after).to_numpy(zero_copy_only=False)
        if not tied.any():
            return True
    return True


def _find_rows(systems: pa.Array | pa.ChunkedArray, keys: pa.Array | pa.ChunkedArray,
               in_systems: pa.Array | pa.ChunkedArray, in_keys: pa.Array | pa.ChunkedArray,
               unique: bool = True) -> pa.Array:
    """For each (system, key): the row of (in_systems, in_keys) with the same pair, else null.

    One hash lookup per source system (a handful): cheaper than joining the two
    tables and sorting the result back into order. Nulls match nothing, as in a
    join. `unique`: a pair `in_*` holds twice is an error (a join would repeat the
    record); otherwise the first row holding it is given.
    """
    systems, keys = _as_array(systems, pa.string()), _as_array(keys, pa.string())
    in_systems, in_keys = _as_array(in_systems, pa.string()), _as_array(in_keys, pa.string())
    rows = np.full(len(systems), -1, dtype=np.int64)
    if not len(systems) or not len(in_systems):
        return pa.array(rows, mask=rows < 0)
    for system in pc.unique(in_systems).drop_null().to_pylist():
        there = np.flatnonzero(pc.equal(in_systems, system).to_numpy(zero_copy_only=False)
                               .astype(bool))
        candidates = in_keys.take(pa.array(there))
        present = candidates.drop_null()
        if unique and len(pc.unique(present)) != len(present):
            counts = pc.value_counts(present)
            twice = counts.filter(pc.greater(counts.field("counts"), 1))[0]["values"]
            raise ValueError(f"registry holds {system}:{twice} more than once")
        here = np.flatnonzero(pc.fill_null(pc.equal(systems, system), False)
                              .to_numpy(zero_copy_only=False))
        at = pc.index_in(keys.take(pa.array(here)), value_set=candidates, skip_nulls=True)
        hit = at.is_valid().to_numpy(zero_copy_only=False)
        rows[here[hit]] = there[at.drop_null().to_numpy()]
    return pa.array(rows, mask=rows < 0)
