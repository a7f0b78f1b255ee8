"""Deterministic identity pass: link records that share a strong identifier.

Rules (each an edge between two source records):
- same national id (normalized to digits);
- same email where at least one side verified it (CRM `email_verified`);
- a direct reference to a core-banking customer number (call-center contacts
  verified by an agent, clickstream devices after a login, core banking itself).

Connected components of these edges are the clusters. A cluster's
`customer_id` is derived from its smallest member key, so it is the same on
every run for the same membership (the persistent registry of the identity
issue refines this with merge/split events).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyarrow as pa


class UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def customer_id_for(member_keys: Iterable[str]) -> str:
    """Stable id of a cluster: a hash of its smallest `source_system:source_key`."""
    anchor = min(member_keys)
    return "C" + hashlib.sha256(anchor.encode()).hexdigest()[:15].upper()


def _digits(value: str | None) -> str | None:
    if value is None:
        return None
    d = "".join(ch for ch in value if ch.isdigit())
    return d or None


def link_exact(records: pa.Table) -> pa.Table:
    """`records` (int_person_records columns) → `(source_system, source_key, customer_id, rule)`."""
    systems = records.column("source_system").to_pylist()
    keys = records.column("source_key").to_pylist()
    nids = records.column("national_id").to_pylist()
    emails = records.column("email").to_pylist()
    verified = records.column("verified_email").to_pylist()
    numbers = records.column("customer_number").to_pylist()
    n = len(systems)
    uf = UnionFind(n)
    rule_of = ["singleton"] * n

    def link_on(values: list[object | None], rule: str) -> None:
        first: dict[object, int] = {}
        for i, value in enumerate(values):
            if value is None:
                continue
            if value in first:
                uf.union(first[value], i)
                rule_of[i] = rule if rule_of[i] == "singleton" else rule_of[i]
                rule_of[first[value]] = (
                    rule if rule_of[first[value]] == "singleton" else rule_of[first[value]]
                )
            else:
                first[value] = i

    link_on([_digits(v) for v in nids], "national_id")
    verified_set = {v for v in verified if v}
    link_on([e if e in verified_set else None for e in emails], "verified_email")
    link_on(numbers, "customer_number")

    members: dict[int, list[str]] = {}
    for i in range(n):
        members.setdefault(uf.find(i), []).append(f"{systems[i]}:{keys[i]}")
    cluster_id = {root: customer_id_for(m) for root, m in members.items()}
    return pa.table(
        {
            "source_system": systems,
            "source_key": keys,
            "customer_id": [cluster_id[uf.find(i)] for i in range(n)],
            "rule": rule_of,
        }
    )
