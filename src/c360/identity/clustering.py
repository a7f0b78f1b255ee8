"""Turn links into clusters.

Deterministic links are plain connected components (every rule is trusted).
Probabilistic links are merged greedily, strongest first, and a merge is refused
when it would put two conflicting clusters together (`cannot_link`: e.g. two
national ids that are not one typo apart). Plain connected components would let
one weak, wrong link chain two whole households or two namesakes into one
customer; the greedy order lets the best link of an ambiguous record win and the
conflict check stops the rest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Agreement = int | str


def connected_components(n: int, left: IntArray, right: IntArray) -> IntArray:
    """Component label (its smallest node) of each of `n` nodes given undirected edges.

    Vectorised hook-and-shortcut: each round hooks every edge's larger root onto the
    smaller one, then halves paths until every node points at a root; a handful of
    rounds suffices even for millions of edges.
    """
    labels = np.arange(n, dtype=np.int64)
    if len(left) == 0:
        return labels
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    while True:
        la, lb = labels[left], labels[right]
        if np.array_equal(la, lb):
            return labels
        low = np.minimum(la, lb)
        np.minimum.at(labels, la, low)
        np.minimum.at(labels, lb, low)
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (Damerau-Levenshtein with adjacent swaps)."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


class ClusterValues(Mapping[int, frozenset[str]]):
    """The values each cluster holds, as a Mapping over a sorted array of clusters.

    Built from columnar data (sets aligned with the clusters, None for a cluster
    holding nothing), so no dict of a hundred thousand entries is built;
    `greedy_merge` looks its clusters up in one vectorised pass (`lookup`).
    """

    def __init__(self, clusters: IntArray,
                 sets: Sequence[frozenset[str] | None] | npt.NDArray[np.object_]) -> None:
        if len(clusters) != len(sets):
            raise ValueError(f"{len(clusters)} clusters but {len(sets)} value sets")
        self._clusters = np.asarray(clusters, dtype=np.int64)
        if len(self._clusters) > 1 and not bool(np.all(np.diff(self._clusters) > 0)):
            raise ValueError("clusters must be sorted and distinct")
        self._sets = np.full(len(sets) + 1, None, dtype=object)  # last: None (not found)
        self._sets[:-1] = sets

    def lookup(self, clusters: IntArray) -> list[frozenset[str] | None]:
        """The set each of `clusters` holds, None for one holding nothing or unknown."""
        clusters = np.asarray(clusters, dtype=np.int64)
        at = np.searchsorted(self._clusters, clusters)
        found = at < len(self._clusters)
        found[found] = self._clusters[at[found]] == clusters[found]
        return self._sets[np.where(found, at, len(self._clusters))].tolist()

    def __getitem__(self, cluster: int) -> frozenset[str]:
        at = int(np.searchsorted(self._clusters, cluster))
        if at < len(self._clusters) and self._clusters[at] == cluster:
            found: frozenset[str] | None = self._sets[at]
            if found is not None:
                return found
        raise KeyError(cluster)

    def union(self, other: ClusterValues) -> ClusterValues:
        """Per cluster, the values of both (`other` over the same clusters)."""
        if not np.array_equal(self._clusters, other._clusters):
            raise ValueError("union of value sets over different clusters")
        sets = [a if b is None else b if a is None else a | b
                for a, b in zip(self._sets[:-1].tolist(), other._sets[:-1].tolist(),
                                strict=True)]
        return ClusterValues(self._clusters, sets)

    def __iter__(self) -> Iterator[int]:
        present = np.flatnonzero(self._sets[:-1] != None)  # noqa: E711 — elementwise
        return iter(self._clusters[present].tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self._sets[:-1] != None))  # noqa: E711 — elementwise


@dataclass(frozen=True)
class ConflictRule:
    """Two clusters conflict when, for every column, both hold values and none agree.

    `values[column]` maps a cluster to the values it holds; `agreement[column]` says
    when two values agree: an integer is the edits they may differ by (typos);
    `"name"` also lets a name agree with its prefix of 3+ letters ("chris",
    "christopher") and with its formal name when the values hold both.
    """

    values: Mapping[str, Mapping[int, frozenset[str]]]
    agreement: Mapping[str, Agreement]


@dataclass
class MergeOutcome:
    """Final cluster per input cluster, plus the links accepted and refused."""

    labels: dict[int, int]
    """Input cluster → final cluster (the group's smallest), for clusters that merged."""
    accepted: list[int] = field(default_factory=list)
    """Indices (into the edge arrays) of the links that merged two clusters."""
    attached: list[int] = field(default_factory=list)
    """Indices of the links that attached a lone record to its only candidate cluster."""
    refused: int = 0
    """Links not used because the two clusters conflict (cannot_link)."""
    ambiguous: int = 0
    """Lone records left alone because several clusters were candidates."""


def _within_one_edit(x: str, y: str) -> bool:
    """True when x and y differ by at most one insertion, deletion, substitution or swap."""
    if x == y:
        return True
    lx, ly = len(x), len(y)
    if abs(lx - ly) > 1:
        return False
    start = 0
    while start < min(lx, ly) and x[start] == y[start]:
        start += 1
    if lx == ly:
        if x[start + 1:] == y[start + 1:]:
            return True  # one substitution
        return (start + 1 < lx and x[start] == y[start + 1] and x[start + 1] == y[start]
                and x[start + 2:] == y[start + 2:])  # one adjacent swap
    if lx > ly:
        return x[start + 1:] == y[start:]
    return x[start:] == y[start + 1:]


def _agree(x: str, y: str, agreement: Agreement) -> bool:
    if agreement == "name":
        short, long = (x, y) if len(x) <= len(y) else (y, x)
        return (len(short) >= 3 and long.startswith(short)) or _within_one_edit(x, y)
    edits = int(agreement)
    if edits <= 0:
        return x == y
    if edits == 1:
        return _within_one_edit(x, y)
    return edit_distance(x, y) <= edits


def greedy_merge(
    left: Sequence[int],
    right: Sequence[int],
    probability: Sequence[float],
    rules: Sequence[ConflictRule] = (),
    threshold: float = 0.0,
    lone: frozenset[int] = frozenset(),
    attach_threshold: float | None = None,
) -> MergeOutcome:
    """Merge clusters along links, strongest first, unless the merge would conflict.

    Links at or above `threshold` merge (ties broken by the smaller cluster pair,
    so the outcome is deterministic). Then each cluster of `lone` (single records)
    still on its own looks at its links at or above `attach_threshold` to clusters
    that are not lone: if they all lead to one cluster, it joins it; if they lead
    to several, it stays alone (an ambiguous record is not guessed).

    Union-find over compact integer ids with plain lists: the merge loop sees every
    scored pair (half a million for a million records), so it avoids per-edge
    allocations and calls; everything that does not depend on the order of merges
    (sorting, the lone records' candidates, the final labels) is vectorised.
    """
    n = len(left)
    outcome = MergeOutcome(labels={})
    if n == 0:
        return outcome
    lft = np.asarray(left, dtype=np.int64)
    rgt = np.asarray(right, dtype=np.int64)
    prob = np.asarray(probability, dtype=np.float64)
    order = np.lexsort((np.maximum(lft, rgt), np.minimum(lft, rgt), -prob))
    nodes, inverse = np.unique(np.concatenate([lft, rgt]), return_inverse=True)
    inverse = inverse.reshape(-1)
    first, second = inverse[:n][order], inverse[n:][order]  # compact ids, strongest first
    ranked = prob[order]
    parent = list(range(len(nodes)))

    # values[column][node] = frozenset or None; a column shared by rules is one list.
    columns: dict[str, list[frozenset[str] | None]] = {}
    checks: list[list[tuple[list[frozenset[str] | None], Agreement]]] = []
    index: dict[int, int] | None = None
    for rule in rules:
        check = []
        for column, per in rule.values.items():
            if column not in columns:
                column_values: list[frozenset[str] | None]
                if isinstance(per, ClusterValues):
                    column_values = per.lookup(nodes)
                else:
                    if index is None:
                        index = dict(zip(nodes.tolist(), range(len(nodes)), strict=True))
                    column_values = [None] * len(nodes)
                    for cluster, values in per.items():
                        k = index.get(cluster)
                        if k is not None:
                            column_values[k] = values
                columns[column] = column_values
            check.append((columns[column], rule.agreement[column]))
        checks.append(check)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def conflict(a: int, b: int) -> bool:
        # Per rule: every column conflicts (both hold values, none agree); inlined, as
        # this runs for every link considered.
        for check in checks:
            for values, agreement in check:
                x = values[a]
                if not x:
                    break
                y = values[b]
                if not y or not x.isdisjoint(y):
                    break
                if agreement != 0 and any(_agree(p, q, agreement) for p in x for q in y):
                    break
            else:
                return True
        return False

    def union(a: int, b: int) -> None:
        keep, gone = (a, b) if a < b else (b, a)  # compact ids keep the clusters' order
        parent[gone] = keep
        for values in columns.values():
            moved, kept = values[gone], values[keep]
            if moved is not None:
                values[keep] = moved if kept is None else kept | moved
                values[gone] = None

    stop = _first_below(ranked, threshold)
    for i, a, b in zip(order[:stop].tolist(), first[:stop].tolist(), second[:stop].tolist(),
                       strict=True):
        while parent[a] != a:  # find(a), inlined
            parent[a] = parent[parent[a]]
            a = parent[a]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a == b:
            continue
        if conflict(a, b):
            outcome.refused += 1
            continue
        union(a, b)
        outcome.accepted.append(i)

    if attach_threshold is not None and lone:
        roots = _roots(parent)
        merged = roots != np.arange(len(nodes))
        touched = merged.copy()
        touched[roots[merged]] = True
        alone = ~touched & np.isin(nodes, np.fromiter(lone, dtype=np.int64, count=len(lone)))
        # Candidates: per lone record, the first link (strongest) to each cluster.
        stop = _first_below(ranked, attach_threshold)
        a, b = first[:stop], second[:stop]
        from_a = alone[a] & ~alone[b]
        from_b = alone[b] & ~alone[a]
        use = np.flatnonzero(from_a | from_b)
        one = np.where(from_a, a, b)[use]
        target = roots[np.where(from_a, b, a)][use]
        by_pair = np.lexsort((use, target, one))
        one, target, use = one[by_pair], target[by_pair], use[by_pair]
        new_pair = np.ones(len(one), dtype=bool)
        new_pair[1:] = (one[1:] != one[:-1]) | (target[1:] != target[:-1])
        one, target, use = one[new_pair], target[new_pair], use[new_pair]
        lone_ids, start, targets = np.unique(one, return_index=True, return_counts=True)
        outcome.ambiguous += int(np.count_nonzero(targets != 1))
        single = start[targets == 1]
        for k, goal, i in zip(one[single].tolist(), target[single].tolist(),
                              order[use[single]].tolist(), strict=True):
            goal = find(goal)
            if conflict(k, goal):
                outcome.refused += 1
                continue
            union(k, goal)
            outcome.attached.append(i)

    roots = _roots(parent)
    merged = roots != np.arange(len(nodes))
    labelled = merged.copy()
    labelled[roots[merged]] = True
    outcome.labels = dict(zip(nodes[labelled].tolist(), nodes[roots[labelled]].tolist(),
                              strict=True))
    return outcome


def _first_below(descending: npt.NDArray[np.float64], threshold: float) -> int:
    """Index of the first value below `threshold` (the length when none is)."""
    below = descending < threshold
    return int(np.argmax(below)) if below.any() else len(descending)


def _roots(parent: list[int]) -> IntArray:
    """The root of every node of a union-find forest (pointer jumping)."""
    roots = np.asarray(parent, dtype=np.int64)
    while True:
        jumped = roots[roots]
        if np.array_equal(jumped, roots):
            return roots
        roots = jumped
