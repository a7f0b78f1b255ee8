"""Find and remove an erased person's rows in an Arrow table (any layer, any producer).

A row is erased when one of its identifier columns (`identifiers.COLUMN_KINDS`,
plus identity's `source_system`/`source_key` pairs and `record_id*` columns)
holds an identifier in the ledger. Values are tested once per distinct value,
so a table of millions of rows costs as many HMACs as it has distinct keys.

`int_identity_events` is special: its rows hold customer ids only (no person
attributes), and the largest id ever issued is read from it so that an id is
never issued twice. An erased customer's events are therefore replaced by one
`erased` tombstone per id (no counts, no history), which keeps the id retired.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from c360.privacy.identifiers import (
    COLUMN_KINDS,
    CUSTOMER_ID,
    SANDBOX_COLUMN_KINDS,
    record_id_identifier,
    source_key_identifier,
)
from c360.privacy.ledger import Matcher

EVENTS_TABLE = "int_identity_events"


@dataclass(frozen=True)
class Purged:
    table: pa.Table
    rows_before: int
    rows_removed: int


def _as_text(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column
    return pc.cast(column, pa.string())


def _matching_values(column: pa.ChunkedArray | pa.Array, kind: str, matcher: Matcher
                     ) -> pa.Array | None:
    """The distinct values of `column` (as text) that the ledger erases, or None."""
    text = _as_text(column)
    hits = [v for v in pc.unique(text).to_pylist() if v is not None and matcher.matches(kind, v)]
    return pa.array(hits, pa.string()) if hits else None


def _or(mask: pa.Array | None, more: pa.Array | pa.ChunkedArray) -> pa.Array:
    more = pc.fill_null(more, False)
    if isinstance(more, pa.ChunkedArray):
        more = more.combine_chunks()
    return more if mask is None else pc.or_(mask, more)


def identifier_columns(schema: pa.Schema, sandbox: bool = False) -> dict[str, str]:
    """`{column: kind}` of the plainly-typed identifier columns in `schema`."""
    kinds = SANDBOX_COLUMN_KINDS if sandbox else COLUMN_KINDS
    found = {}
    for f in schema:
        kind = kinds.get(f.name)
        if kind and not pa.types.is_nested(f.type):
            found[f.name] = kind
    return found


def erased_mask(table: pa.Table, matcher: Matcher, sandbox: bool = False) -> pa.Array:
    """True for every row that belongs to an erased person."""
    mask: pa.Array | None = None
    for name, kind in identifier_columns(table.schema, sandbox).items():
        if kind not in matcher.kinds:
            continue
        hits = _matching_values(table[name], kind, matcher)
        if hits is not None:
            mask = _or(mask, pc.is_in(_as_text(table[name]), value_set=hits))
    names = set(table.column_names)
    if not sandbox and {"source_system", "source_key"} <= names:
        pairs = pc.binary_join_element_wise(
            _as_text(table["source_system"]), _as_text(table["source_key"]), ":")
        mask = _record_ids(mask, pairs, matcher)
    if not sandbox:
        for name in sorted(n for n in names if n == "record_id" or n.startswith("record_id_")):
            mask = _record_ids(mask, _as_text(table[name]), matcher)
    if mask is None:
        return pa.array([False] * table.num_rows, pa.bool_())
    return mask


def _record_ids(mask: pa.Array | None, ids: pa.ChunkedArray | pa.Array, matcher: Matcher
                ) -> pa.Array | None:
    hits = []
    for value in pc.unique(ids).to_pylist():
        if value is None:
            continue
        found = record_id_identifier(value)
        if found and found[1] is not None and matcher.matches(found[0], found[1]):
            hits.append(value)
    if not hits:
        return mask
    return _or(mask, pc.is_in(ids, value_set=pa.array(hits, pa.string())))


def purge(table: pa.Table, matcher: Matcher, table_name: str = "", sandbox: bool = False
          ) -> Purged:
    """`table` without the erased persons' rows (events: tombstones instead)."""
    mask = erased_mask(table, matcher, sandbox)
    removed = int(pc.sum(mask).as_py() or 0)
    if not removed:
        return Purged(table, table.num_rows, 0)
    kept = table.filter(pc.invert(mask))
    if table_name == EVENTS_TABLE and CUSTOMER_ID in table.column_names:
        kept = pa.concat_tables([kept, _tombstones(table.filter(mask))])
    return Purged(kept, table.num_rows, removed)


def _tombstones(erased: pa.Table) -> pa.Table:
    """One `erased` event per customer id (earliest date and run of its events)."""
    first: dict[str, dict[str, object]] = {}
    for row in erased.to_pylist():
        cid = row.get(CUSTOMER_ID)
        if cid is None:
            continue
        seen = first.get(cid)
        if seen is None or str(row.get("logical_date")) < str(seen.get("logical_date")):
            first[cid] = row
    rows = []
    for cid in sorted(first):
        row = dict.fromkeys(erased.column_names)
        row.update({CUSTOMER_ID: cid, "event_type": "erased",
                    "logical_date": first[cid].get("logical_date"),
                    "run_id": first[cid].get("run_id")})
        if "previous_customer_ids" in row:
            row["previous_customer_ids"] = []
        if "record_count" in row:
            row["record_count"] = 0
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=erased.schema)


def distinct_values(table: pa.Table, columns: Mapping[str, str]) -> dict[str, set[str]]:
    """`{kind: distinct non-null text values}` of the given `{column: kind}`."""
    found: dict[str, set[str]] = {}
    for name, kind in columns.items():
        if name in table.column_names:
            values = pc.unique(_as_text(table[name])).to_pylist()
            found.setdefault(kind, set()).update(v for v in values if v is not None)
    return found


def source_key_values(table: pa.Table) -> dict[str, set[str]]:
    """`{kind: keys}` named by identity's `source_system`/`source_key` columns."""
    found: dict[str, set[str]] = {}
    for system, key in zip(table["source_system"].to_pylist(), table["source_key"].to_pylist(),
                           strict=True):
        if system is None or key is None:
            continue
        ident = source_key_identifier(system, key)
        if ident and ident[1] is not None:
            found.setdefault(ident[0], set()).add(ident[1])
    return found
