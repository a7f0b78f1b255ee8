"""Helpers for identity tests: build small record sets, link them on DuckDB."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa

from c360.identity.api import link_table
from c360.identity.link import LinkResult
from c360.identity.settings import IdentitySettings

COLUMNS = ("record_id", "source_system", "first_name", "last_name", "birth_date", "national_id",
           "email", "email_verified", "phone", "address_line", "city", "state", "postal_code",
           "customer_number")


def records(*rows: dict[str, Any]) -> pa.Table:
    """An input table from dict rows; absent keys are NULL."""
    types = {"birth_date": pa.date32(), "email_verified": pa.bool_()}
    return pa.table({
        c: pa.array([r.get(c) for r in rows], types.get(c, pa.string())) for c in COLUMNS
    })


def person(record_id: str, **values: Any) -> dict[str, Any]:
    return {"record_id": record_id, **values}


class Linked:
    """Customer id per record id, plus the link result (rules, stats)."""

    def __init__(self, table: pa.Table, result: LinkResult) -> None:
        self.ids = dict(zip(table.column("record_id").to_pylist(),
                            table.column("customer_id").to_pylist(), strict=True))
        self.rule = dict(zip(result.assignments.column("record_id").to_pylist(),
                             result.assignments.column("rule").to_pylist(), strict=True))
        self.stats = result.stats

    def together(self, *record_ids: str) -> bool:
        return len({self.ids[r] for r in record_ids}) == 1


def link(table: pa.Table, settings: IdentitySettings) -> Linked:
    out, result = link_table(table, settings)
    return Linked(out, result)


BORN = date(1980, 3, 14)
