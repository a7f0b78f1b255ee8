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
    """input cluster → final cluster (smallest input cluster of the group); merged only."""
    accepted: list[int] = field(default_factory=list)
    """Indices (into the edge arrays) of the links that merged two clusters."""
    attached: list[int] = field(default_factory=list)
    """Indices of the links that attached a lone record to its only candidate cluster."""
    refused: int = 0
    """Links not used because the two clusters conflict (cannot_link)."""
    ambiguous: int = 0
    """Lone records left alone because several clusters were candidates."""


class ClusterMerger:
    """Union-find over clusters that refuses merges of conflicting clusters."""

    def __init__(self, rules: Sequence[ConflictRule]) -> None:
        self.parent: dict[int, int] = {}
        self.agreement = [dict(rule.agreement) for rule in rules]
        self.values: list[dict[str, dict[int, frozenset[str]]]] = [
            {column: dict(per) for column, per in rule.values.items()} for rule in rules
        ]

    def find(self, x: int) -> int:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def conflict(self, a: int, b: int) -> bool:
        return any(
            all(_conflict(values[c].get(a), values[c].get(b), edits[c]) for c in values)
            for values, edits in zip(self.values, self.agreement, strict=True)
        )

    def union(self, a: int, b: int) -> bool:
        """Merge the groups of `a` and `b` unless they conflict; True when merged."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.conflict(ra, rb):
            raise _Conflict
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        self.parent[gone] = keep
        for values in self.values:
            for per in values.values():
                merged = per.get(keep, frozenset()) | per.pop(gone, frozenset())
                if merged:
                    per[keep] = merged
        return True

    def labels(self) -> dict[int, int]:
        return {node: self.find(node) for node in list(self.parent)}


class _Conflict(Exception):
    """Raised by `ClusterMerger.union` when the two groups conflict."""


def _strongest_first(left: Sequence[int], right: Sequence[int], probability: Sequence[float]
                     ) -> list[int]:
    return sorted(range(len(left)), key=lambda i: (-probability[i], min(left[i], right[i]),
                                                   max(left[i], right[i])))


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
    """
    merger = ClusterMerger(rules)
    outcome = MergeOutcome(labels={})
    order = _strongest_first(left, right, probability)
    for i in order:
        if probability[i] < threshold:
            continue
        try:
            if merger.union(int(left[i]), int(right[i])):
                outcome.accepted.append(i)
        except _Conflict:
            outcome.refused += 1
    if attach_threshold is not None and lone:
        merged = set(merger.parent) | set(merger.parent.values())
        alone = lone - merged
        candidates: dict[int, dict[int, int]] = {}
        for i in order:
            if probability[i] < attach_threshold:
                continue
            a, b = int(left[i]), int(right[i])
            for one, other in ((a, b), (b, a)):
                if one in alone and other not in alone:
                    candidates.setdefault(one, {}).setdefault(merger.find(other), i)
        for one in sorted(candidates):
            targets = candidates[one]
            if len(targets) != 1:
                outcome.ambiguous += 1
                continue
            (target, i), = targets.items()
            try:
                if merger.union(one, target):
                    outcome.attached.append(i)
            except _Conflict:
                outcome.refused += 1
    outcome.labels = merger.labels()
    return outcome


def _conflict(a: frozenset[str] | None, b: frozenset[str] | None, agreement: Agreement) -> bool:
    """True when both sides hold values and no value of one agrees with one of the other."""
    if not a or not b:
        return False
    if a & b:
        return False
    if agreement == "name":
        return not any(_names_agree(x, y) for x in a for y in b)
    edits = int(agreement)
    if edits <= 0:
        return True
    return not any(edit_distance(x, y) <= edits for x in a for y in b)


def _names_agree(x: str, y: str) -> bool:
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) >= 3 and long.startswith(short):
        return True
    return abs(len(x) - len(y)) <= 1 and edit_distance(x, y) <= 1
