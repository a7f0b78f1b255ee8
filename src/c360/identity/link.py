"""Link person records into clusters: deterministic rules first, Splink on the remainder.

1. standardize every record (one SQL query);
2. deterministic pass: records sharing a rule's keys are linked (one windowed
   query per rule), connected components give the deterministic clusters;
3. shrink the problem: records of one deterministic cluster with the same
   compared values collapse into one profile, and records with nothing to
   compare (e.g. devices) drop out;
4. probabilistic pass: Splink scores only candidate pairs from different
   deterministic clusters;
5. greedy, conflict-checked merging of the deterministic clusters along the
   scored links (`clustering.greedy_merge`).

The result maps each record to a cluster label (its smallest record index);
`registry.assign_customer_ids` turns labels into persistent customer ids.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.identity.backend import IdentityBackend
from c360.identity.clustering import (
    ClusterValues,
    ConflictRule,
    connected_components,
    greedy_merge,
)
from c360.identity.model_store import StoredModel
from c360.identity.nicknames import nickname_rows
from c360.identity.probabilistic import link_probabilistic
from c360.identity.settings import IdentitySettings
from c360.identity.standardize import INPUT_COLUMNS, STANDARD_COLUMNS, standardize_sql

log = logging.getLogger("c360.identity")

# Columns the probabilistic pass may compare or block on (derived ones included).
COMPARED_COLUMNS = (
    "first_name", "first_name_canonical", "last_name", "birth_date", "birth_date_text",
    "birth_year", "birth_month", "birth_day", "national_id", "email", "email_local", "phone",
    "address_line", "city", "postal_code",
)
# The columns that say something about the person: a profile with none is not compared.
_EVIDENCE = ("first_name", "last_name", "birth_date", "national_id", "email", "phone",
             "address_line", "postal_code")


class IdentityInputError(ValueError):
    """The records to link are unusable (no record_id, duplicate ids)."""


@dataclass
class LinkResult:
    assignments: pa.Table
    """`record_id, source_system, cluster, rule, match_probability`, one row per record."""
    links: pa.Table
    """`record_id_l, record_id_r, rule, match_probability`: the links that made the clusters."""
    stats: dict[str, Any] = field(default_factory=dict)


def link_records(backend: IdentityBackend, input_view: str, settings: IdentitySettings,
                 stored: StoredModel | None = None) -> LinkResult:
    """Cluster the records of `input_view` (a table with `record_id` + person columns).

    `stored`: a model an earlier run trained; the probabilistic pass then scores with
    it instead of training one.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 3)

    present = _present_columns(backend, input_view)
    _check_record_ids(backend, input_view)
    rows = nickname_rows()
    backend.arrow("identity_nicknames", pa.table({
        "name": [r[0] for r in rows], "formal": [r[1] for r in rows]}))
    # Standardized and numbered in one materialization (record_idx: order of record_id).
    backend.numbered_table("identity_records",
                           standardize_sql(input_view, present, "identity_nicknames"),
                           key="record_id", number="record_idx")
    n = backend.count("identity_records")
    lap("standardize")

    # Pass 1: deterministic rules.
    det_left: list[np.ndarray] = []
    det_right: list[np.ndarray] = []
    # How each record was linked, as an index into `applied` + 1 (0: not linked yet).
    rule_of = np.zeros(n, dtype=np.int32)
    det_links: list[pa.Table] = []
    applied: list[str] = []
    for rule in settings.deterministic:
        needed = [*rule.keys, *([rule.require_any] if rule.require_any else [])]
        if not all(column in present for column in needed):
            continue
        applied.append(rule.name)
        edges = backend.fetch(_rule_sql(rule.keys, rule.require_any))
        left = edges.column("record_idx").to_numpy().astype(np.int64)
        right = edges.column("anchor_idx").to_numpy().astype(np.int64)
        det_left.append(left)
        det_right.append(right)
        for side in (left, right):
            unset = side[rule_of[side] == 0]
            rule_of[unset] = len(applied)
        det_links.append(pa.table({"l": left, "r": right,
                                   "rule": pa.repeat(pa.scalar(rule.name, pa.string()),
                                                     len(left))}))
    all_left = np.concatenate(det_left) if det_left else np.zeros(0, np.int64)
    all_right = np.concatenate(det_right) if det_right else np.zeros(0, np.int64)
    det_cluster = connected_components(n, all_left, all_right)
    backend.arrow("identity_det", pa.table({
        "record_idx": np.arange(n, dtype=np.int64), "det_cluster": det_cluster}))
    lap("deterministic")

    # Shrink: one profile per (deterministic cluster, distinct compared values).
    cols = ", ".join(f"r.{c}" for c in COMPARED_COLUMNS)
    evidence = " or ".join(f"r.{c} is not null" for c in _EVIDENCE)
    # name_key: the name, when few clusters share it (a name alone cannot pick one of many).
    backend.table("identity_profiles", (
        f"with base as (select min(r.record_idx) as unique_id, d.det_cluster, {cols} "
        "from identity_records as r join identity_det as d on d.record_idx = r.record_idx "
        f"where {evidence} group by d.det_cluster, {cols}), "
        "names as (select first_name_canonical, last_name, count(distinct det_cluster) as n "
        "from base group by first_name_canonical, last_name) "
        "select b.*, case when s.n <= "
        f"{int(settings.probabilistic.rare_name_max_clusters)} then "
        "concat(b.first_name_canonical, ' ', b.last_name) end as name_key "
        "from base as b left join names as s on s.first_name_canonical = b.first_name_canonical "
        "and s.last_name = b.last_name"))
    profiles = backend.count("identity_profiles")
    lap("profiles")

    # Pass 2: probabilistic linkage between deterministic clusters.
    merged = {}
    prob_links = pa.table({"l": pa.array([], pa.int64()), "r": pa.array([], pa.int64()),
                           "p": pa.array([], pa.float64())})
    probabilistic_stats: dict[str, Any] = {"enabled": settings.probabilistic.enabled}
    if settings.probabilistic.enabled and profiles > 1:
        result = link_probabilistic(backend, "identity_profiles", profiles, settings, stored)
        pairs = result.pairs
        lap("probabilistic")
        cl = pairs.column("det_cluster_l").to_numpy().astype(np.int64)
        cr = pairs.column("det_cluster_r").to_numpy().astype(np.int64)
        pr = pairs.column("match_probability").to_numpy().astype(np.float64)
        scored = pr
        prob = settings.probabilistic
        sizes = np.bincount(det_cluster, minlength=n)
        candidates = _useful_pairs(cl, cr, pr, sizes == 1, prob.threshold)
        cl, cr, pr = cl[candidates], cr[candidates], pr[candidates]
        involved = np.unique(np.concatenate([cl, cr]))
        with _gc_paused():
            conflicts = _conflict_rules(backend, settings, involved)
            lone = frozenset(involved[sizes[involved] == 1].tolist())
            outcome = greedy_merge(cl, cr, pr, conflicts, threshold=prob.threshold, lone=lone,
                                   attach_threshold=prob.attach_threshold)
        merged = outcome.labels
        accepted = candidates[np.asarray(outcome.accepted + outcome.attached, dtype=np.int64)]
        prob_links = pa.table({
            "l": pairs.column("unique_id_l").to_numpy().astype(np.int64)[accepted],
            "r": pairs.column("unique_id_r").to_numpy().astype(np.int64)[accepted],
            "p": scored[accepted],
        })
        probabilistic_stats.update({
            "model": result.model,
            "probability_two_random_records_match": result.probability_two_random_records_match,
            "pairs_scored_above_threshold": pairs.num_rows,
            "links_accepted": len(outcome.accepted),
            "lone_records_attached": len(outcome.attached),
            "lone_records_ambiguous": outcome.ambiguous,
            "links_refused_conflict": outcome.refused,
            "levels": result.levels,
        })
        lap("cluster")

    # Assemble: cluster per record, how it was linked.
    remap = np.arange(n, dtype=np.int64)
    if merged:
        keys = np.fromiter(merged.keys(), dtype=np.int64, count=len(merged))
        vals = np.fromiter(merged.values(), dtype=np.int64, count=len(merged))
        remap[keys] = vals
    cluster = remap[det_cluster]
    best = np.full(n, np.nan)
    if prob_links.num_rows:
        # The probability of the best accepted link into each deterministic cluster.
        link_clusters = np.concatenate([det_cluster[prob_links.column("l").to_numpy()],
                                        det_cluster[prob_links.column("r").to_numpy()]])
        link_p = np.concatenate([prob_links.column("p").to_numpy()] * 2)
        per_cluster = np.full(n, np.nan)
        order = np.argsort(link_p)
        per_cluster[link_clusters[order]] = link_p[order]
        best = per_cluster[det_cluster]
        joined = np.isfinite(best) & (rule_of == 0)
        rule_of[joined] = len(applied) + 1
    rule_of[rule_of == 0] = len(applied) + 2
    rule_names = pa.array(["", *applied, "probabilistic", "singleton"], pa.string())
    ids = backend.fetch("select record_id, source_system from identity_records order by record_idx")
    _check_numbering(ids.column("record_id"))
    assignments = pa.table({
        "record_id": ids.column("record_id"),
        "source_system": ids.column("source_system"),
        "cluster": pa.array(cluster, pa.int64()),
        "rule": rule_names.take(pa.array(rule_of)),
        "match_probability": pa.array(best, pa.float64(), from_pandas=True),
    })
    links = _links_table(ids.column("record_id"), det_links, prob_links)
    lap("assemble")
    stats = {
        "records": n,
        "deterministic_rules": applied,
        "deterministic_links": int(len(all_left)),
        "deterministic_clusters": _distinct_labels(det_cluster),
        "profiles_compared": profiles,
        "probabilistic": probabilistic_stats,
        "clusters": _distinct_labels(cluster),
        "seconds": timings,
    }
    return LinkResult(assignments=assignments, links=links, stats=stats)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while clustering builds its sets.

    Clustering allocates hundreds of thousands of small sets, none in a reference
    cycle; with the collector on, those allocations trigger full collections that
    walk every object of the process (Splink's included) again and again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_numbering(record_ids: pa.ChunkedArray) -> None:
    """record_idx must follow record_id order: labels and new customer ids depend on it."""
    ids = record_ids.combine_chunks()
    if len(ids) > 1 and not pc.all(pc.less(ids.slice(0, len(ids) - 1), ids.slice(1))).as_py():
        raise RuntimeError("identity_records: record_idx does not follow the order of record_id")


def _distinct_labels(labels: np.ndarray) -> int:
    """How many clusters: labels are record indexes (0 ≤ label < len(labels))."""
    return int(np.count_nonzero(np.bincount(labels, minlength=len(labels))))


def _present_columns(backend: IdentityBackend, view: str) -> set[str]:
    columns = backend.columns(view)
    lowered = {c.lower() for c in columns}
    if "record_id" not in lowered:
        raise IdentityInputError(
            f"input has no record_id column (columns: {', '.join(columns) or 'none'})")
    return {c for c in INPUT_COLUMNS if c in lowered}


def _check_record_ids(backend: IdentityBackend, view: str) -> None:
    dup = backend.fetch(
        f"select cast(record_id as string) as record_id, count(*) as n from {view} "
        "group by 1 having count(*) > 1 or record_id is null order by n desc, 1 limit 3")
    if dup.num_rows:
        values = dup.column("record_id").to_pylist()
        if any(v is None for v in values):
            raise IdentityInputError("input has records with an empty record_id")
        total = backend.fetch(
            f"select count(*) from (select record_id from {view} group by record_id "
            "having count(*) > 1) as d").column(0)[0].as_py()
        raise IdentityInputError(
            f"input has {total} duplicate record_id value(s), e.g. {', '.join(map(str, values))}")


def _rule_sql(keys: tuple[str, ...], require_any: str | None) -> str:
    """Edges from each record to the smallest record sharing all `keys`."""
    partition = ", ".join(keys)
    not_null = " and ".join(f"{k} is not null" for k in keys)
    flag = (f", max(case when {require_any} then 1 else 0 end) over (partition by {partition}) "
            "as ok") if require_any else ", 1 as ok"
    return (
        "select record_idx, anchor_idx from ("
        f"select record_idx, min(record_idx) over (partition by {partition}) as anchor_idx{flag} "
        f"from identity_records where {not_null}) as g "
        "where record_idx <> anchor_idx and ok = 1"
    )


def _useful_pairs(left: np.ndarray, right: np.ndarray, p: np.ndarray, lone: np.ndarray,
                  threshold: float) -> np.ndarray:
    """Indices of the pairs clustering can use: the best pair per two clusters, either
    above the threshold or touching a lone record (a candidate for attachment)."""
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    keep = np.flatnonzero((p >= threshold) | lone[lo] | lone[hi])
    keep = keep[np.lexsort((-p[keep], hi[keep], lo[keep]))]
    first = np.ones(len(keep), dtype=bool)
    first[1:] = (lo[keep][1:] != lo[keep][:-1]) | (hi[keep][1:] != hi[keep][:-1])
    return np.sort(keep[first])


def _conflict_rules(backend: IdentityBackend, settings: IdentitySettings, clusters: np.ndarray
                    ) -> list[ConflictRule]:
    """For each cannot_link rule: the values each involved deterministic cluster holds.

    One query collects every rule column's values per cluster (one scan of the
    records, not one per column).
    """
    rules = settings.probabilistic.cannot_link
    if not len(clusters) or not rules:
        return []
    backend.arrow("identity_involved", pa.table({"det_cluster": clusters.astype(np.int64)}))
    involved = np.unique(clusters.astype(np.int64))
    pairs = sorted({pair for rule in rules for pair in rule.columns})
    # A name column also offers its formal name ("bill" holds "william" too).
    sources: dict[tuple[str, str | int], list[str]] = {
        (column, mode): [column] + ([f"{column}_canonical"] if mode == "name" and
                                    f"{column}_canonical" in STANDARD_COLUMNS else [])
        for column, mode in pairs}
    read = sorted({c for columns in sources.values() for c in columns})
    rows = backend.fetch(
        "select d.det_cluster, "
        + ", ".join(f"collect_set(cast(r.{c} as string)) as {c}" for c in read)
        + " from identity_records as r join identity_det as d on d.record_idx = r.record_idx "
        "join identity_involved as i on i.det_cluster = d.det_cluster group by d.det_cluster")
    values: dict[str, ClusterValues] = {}
    for (column, _mode), columns in sources.items():
        sets = [_cluster_values(involved, rows.select(["det_cluster", c])) for c in columns]
        values[column] = sets[0] if len(sets) == 1 else sets[0].union(sets[1])
    return [
        ConflictRule(values={c: values[c] for c, _ in rule.columns},
                     agreement=dict(rule.columns))
        for rule in rules
    ]


def _cluster_values(clusters: np.ndarray, rows: pa.Table) -> ClusterValues:
    """`(cluster, list of values)` rows as the value set of each of `clusters` (sorted).

    Sets are built from the flat values, most of them (one value) in one `map`:
    converting the list column row by row dominated the clustering step.
    """
    # A cluster holding no value (an empty or NULL list) holds nothing (None).
    rows = rows.filter(pc.fill_null(pc.greater(pc.list_value_length(rows.column(1)), 0), False))
    lists = rows.column(1).combine_chunks()
    offsets = lists.offsets.to_numpy().astype(np.int64)
    flat = lists.values
    lengths = np.diff(offsets)
    at = np.searchsorted(clusters, rows.column(0).to_numpy())
    sets = np.full(len(clusters), None, dtype=object)
    one = np.flatnonzero(lengths == 1)
    firsts = flat.take(pa.array(offsets[one])).to_pylist()
    sets[at[one]] = np.fromiter(map(frozenset, zip(firsts)), dtype=object, count=len(one))
    other = np.flatnonzero(lengths != 1)
    if len(other):
        values = flat.to_pylist()
        sets[at[other]] = np.fromiter(
            (frozenset(values[start:end]) for start, end in
             zip(offsets[other].tolist(), offsets[other + 1].tolist(), strict=True)),
            dtype=object, count=len(other))
    return ClusterValues(clusters, sets)


def _links_table(record_ids: pa.ChunkedArray, det_links: list[pa.Table], prob: pa.Table
                 ) -> pa.Table:
    parts = [
        pa.table({
            "l": t.column("l"), "r": t.column("r"), "rule": t.column("rule"),
            "match_probability": pa.nulls(t.num_rows, pa.float64()),
        })
        for t in det_links
    ]
    parts.append(pa.table({
        "l": prob.column("l"), "r": prob.column("r"),
        "rule": pa.array(["probabilistic"] * prob.num_rows, pa.string()),
        "match_probability": prob.column("p"),
    }))
    edges = pa.concat_tables(parts)
    ids = record_ids.combine_chunks()
    return pa.table({
        "record_id_l": pc.take(ids, edges.column("l")),
        "record_id_r": pc.take(ids, edges.column("r")),
        "rule": edges.column("rule"),
        "match_probability": edges.column("match_probability"),
    })
