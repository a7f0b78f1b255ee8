"""Identity over the lake: int_person_records → int_customer_xref, events, links.

The same function runs in the local pipeline (DuckDB engine) and in the EMR
Spark step (`jobs/emr/identity_link.py`, Spark engine): read the person
records, link them, read the previous xref and events from the lake, assign
persistent ids, write the three tables.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from c360.engine import Engine
from c360.identity.backend import IdentityBackend
from c360.identity.evaluate import read_truth, score
from c360.identity.link import link_records
from c360.identity.registry import IdFormat, update_registry
from c360.identity.settings import IdentitySettings

XREF = "int_customer_xref"
EVENTS = "int_identity_events"
LINKS = "int_identity_links"
INPUT_VIEW = "identity_input"

_INPUT_SQL = """
select
    concat(source_system, ':', source_key) as record_id,
    source_system, first_name, last_name, birth_date, national_id, email, email_verified,
    phone, address_line, city, state, postal_code,
    cast(customer_number as string) as customer_number, observed_at
from int_person_records
"""


@dataclass
class ResolveResult:
    rows_in: int
    rows_out: int
    details: dict[str, Any] = field(default_factory=dict)


def _previous(engine: Engine, table: str) -> pa.Table | None:
    if not engine.lake.exists(table):
        return None
    engine.register_table(table)
    return engine.query(f"select * from {table}", engine.dialect)


def resolve_identity(
    engine: Engine,
    settings: IdentitySettings,
    run_id: str,
    logical_date: date,
    truth: Path | None = None,
    scratch_uri: str | None = None,
) -> ResolveResult:
    """Link the lake's person records and roll the customer-id registry forward.

    `truth`: the generator's output folder; when it holds a ground truth, the
    accuracy of this run is scored into the returned details (never written to
    the lake).
    """
    started = time.perf_counter()
    engine.register_table("int_person_records")
    engine.register_view(INPUT_VIEW, _INPUT_SQL, "spark")
    with IdentityBackend(engine, scratch_uri) as backend:
        linked = link_records(backend, INPUT_VIEW, settings)
    previous_xref = _previous(engine, XREF)
    previous_events = _previous(engine, EVENTS)
    a = linked.assignments
    systems = a.column("source_system").to_pylist()
    keys = [rid[len(sys) + 1:] for rid, sys in zip(a.column("record_id").to_pylist(), systems,
                                                   strict=True)]
    update = update_registry(
        systems, keys, a.column("cluster").to_pylist(), a.column("rule").to_pylist(),
        a.column("match_probability").to_pylist(), previous_xref, previous_events,
        IdFormat(settings.id_prefix, settings.id_digits), run_id, logical_date)
    engine.write_arrow(XREF, update.xref)
    engine.write_arrow(EVENTS, update.events)
    engine.write_arrow(LINKS, linked.links)
    details: dict[str, Any] = {"linkage": linked.stats, "registry": update.stats}
    if truth is not None and (truth / "_ground_truth" / "records.csv").is_file():
        predicted = pa.table({"source_system": systems, "source_key": keys,
                              "customer_id": update.customer_ids})
        details["accuracy"] = score(predicted, read_truth(truth))
    details["seconds"] = round(time.perf_counter() - started, 3)
    return ResolveResult(rows_in=a.num_rows, rows_out=update.xref.num_rows, details=details)
