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

from collections.abc import Mapping, Sequence
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


def _conflict(a: frozenset[str] | None, b: frozenset[str] | None, agreement: Agreement) -> bool:
    """True when both sides hold values and no value of one agrees with one of the other."""
    if not a or not b or not a.isdisjoint(b):
        return False
    if agreement == 0:
        return True
    return not any(_agree(x, y, agreement) for x in a for y in b)


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

    Union-find over compact integer ids with plain lists: this loop sees every
    scored pair (half a million for a million records), so it avoids per-edge
    allocations.
    """
    n = len(left)
    outcome = MergeOutcome(labels={})
    if n == 0:
        return outcome
    lft = np.asarray(left, dtype=np.int64)
    rgt = np.asarray(right, dtype=np.int64)
    prob = np.asarray(probability, dtype=np.float64)
    order = np.lexsort((np.maximum(lft, rgt), np.minimum(lft, rgt), -prob)).tolist()
    nodes, inverse = np.unique(np.concatenate([lft, rgt]), return_inverse=True)
    li, ri = inverse[:n].tolist(), inverse[n:].tolist()
    plist = prob.tolist()
    parent = list(range(len(nodes)))
    index = dict(zip(nodes.tolist(), range(len(nodes)), strict=True))

    # values[column][node] = frozenset or None; a column shared by rules is one list.
    columns: dict[str, list[frozenset[str] | None]] = {}
    checks: list[list[tuple[list[frozenset[str] | None], Agreement]]] = []
    for rule in rules:
        check = []
        for column, per in rule.values.items():
            if column not in columns:
                column_values: list[frozenset[str] | None] = [None] * len(nodes)
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
        for check in checks:
            for values, agreement in check:
                if not _conflict(values[a], values[b], agreement):
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

    for i in order:
        if plist[i] < threshold:
            break
        a, b = find(li[i]), find(ri[i])
        if a == b:
            continue
        if conflict(a, b):
            outcome.refused += 1
            continue
        union(a, b)
        outcome.accepted.append(i)

    if attach_threshold is not None and lone:
        touched = [False] * len(nodes)
        for k in range(len(nodes)):
            if parent[k] != k:
                touched[k] = touched[find(k)] = True
        node_list = nodes.tolist()
        alone = [not touched[k] and node_list[k] in lone for k in range(len(nodes))]
        candidates: dict[int, dict[int, int]] = {}
        for i in order:
            if plist[i] < attach_threshold:
                break
            a, b = li[i], ri[i]
            if alone[a] and not alone[b]:
                candidates.setdefault(a, {}).setdefault(find(b), i)
            elif alone[b] and not alone[a]:
                candidates.setdefault(b, {}).setdefault(find(a), i)
        for one in sorted(candidates):
            targets = candidates[one]
            if len(targets) != 1:
                outcome.ambiguous += 1
                continue
            ((target, i),) = targets.items()
            target = find(target)
            if conflict(one, target):
                outcome.refused += 1
                continue
            union(one, target)
            outcome.attached.append(i)

    node_list = nodes.tolist()
    for k in range(len(nodes)):
        if parent[k] != k:
            root = node_list[find(k)]
            outcome.labels[node_list[k]] = root
            outcome.labels[root] = root
    outcome.labels = dict(sorted(outcome.labels.items()))
    return outcome
