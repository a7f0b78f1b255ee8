"""Identity over the lake: int_person_records → customer ids, their history, events, links.

The same function runs in the local pipeline (DuckDB engine) and in the EMR
Spark step (`jobs/emr/identity_link.py`, Spark engine): read the person
records, link them, read the previous registry (xref history and events) from
the lake, assign persistent ids, write four tables:
- `int_customer_xref`: one row per current source record → its customer_id,
  with `valid_from` (since when) and `valid_to` (always NULL here), `rule`,
  `match_probability`. Readers join it on (source_system, source_key) and get
  exactly one row.
- `int_customer_xref_history`: the same plus every closed row (SCD type 2).
- `int_identity_events`: new / merge / split events per run.
- `int_identity_links`: the links that formed the clusters (lineage).
- `int_identity_model`: the trained Splink model (m/u, prior), written when this run
  trained one; a later daily run scores with it (`model_store`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from c360.engine import Engine
from c360.identity import lakeio, model_store
from c360.identity.backend import IdentityBackend
from c360.identity.evaluate import read_truth, score
from c360.identity.link import link_records
from c360.identity.registry import IdFormat, update_registry
from c360.identity.settings import IdentitySettings

XREF = "int_customer_xref"
HISTORY = "int_customer_xref_history"
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


def resolve_identity(
    engine: Engine,
    settings: IdentitySettings,
    run_id: str,
    logical_date: date,
    truth: Path | None = None,
    scratch_uri: str | None = None,
    retrain: bool = False,
) -> ResolveResult:
    """Link the lake's person records and roll the customer-id registry forward.

    `truth`: the generator's output folder; when it holds a ground truth, the
    accuracy of this run is scored into the returned details (never written to
    the lake). `retrain`: train the Splink model even when a usable one is stored
    (the weekly run does).
    """
    started = time.perf_counter()
    if not lakeio.register(engine, "int_person_records"):
        raise FileNotFoundError("int_person_records has no data; run its step first")
    engine.register_view(INPUT_VIEW, _INPUT_SQL, "spark")
    stored = model_store.from_table(lakeio.read(engine, model_store.MODEL))
    why_not = model_store.why_not_reused(stored, settings, logical_date, retrain)
    with IdentityBackend(engine, scratch_uri) as backend:
        linked = link_records(backend, INPUT_VIEW, settings,
                              stored=stored if why_not is None else None)
        prob = linked.stats.get("probabilistic", {})
        if prob.get("model") == "estimated":
            lakeio.write(engine, model_store.MODEL, model_store.to_table(
                prob["levels"], prob["probability_two_random_records_match"], settings,
                run_id, logical_date, int(linked.stats.get("profiles_compared", 0))))
        previous_xref = lakeio.read(engine, HISTORY)
        if previous_xref is None:
            previous_xref = lakeio.read(engine, XREF)
        previous_events = lakeio.read(engine, EVENTS)
        a = linked.assignments
        systems = a.column("source_system")
        # record_id is `source_system:source_key` (see _INPUT_SQL); keys may hold ':' too.
        keys = pc.list_element(pc.split_pattern(a.column("record_id"), ":", max_splits=1), 1)
        update = update_registry(
            systems, keys, a.column("cluster").to_numpy(), a.column("rule"),
            a.column("match_probability"), previous_xref, previous_events,
            IdFormat(settings.id_prefix, settings.id_digits), run_id, logical_date)
        current = update.xref.filter(pc.is_null(update.xref["valid_to"]))
        for table, data in ((HISTORY, update.xref), (XREF, current), (EVENTS, update.events),
                            (LINKS, linked.links)):
            lakeio.write(engine, table, data)
    details: dict[str, Any] = {"linkage": linked.stats, "registry": update.stats,
                               "model": _model_details(stored, why_not, linked.stats)}
    if truth is not None and (truth / "_ground_truth" / "records.csv").is_file():
        predicted = pa.table({"source_system": systems, "source_key": keys,
                              "customer_id": update.customer_ids})
        details["accuracy"] = score(predicted, read_truth(truth))
    details["seconds"] = round(time.perf_counter() - started, 3)
    return ResolveResult(rows_in=a.num_rows, rows_out=current.num_rows, details=details)


def _model_details(stored: model_store.StoredModel | None, why_not: str | None,
                   stats: dict[str, Any]) -> dict[str, Any]:
    """For the manifest: which model scored this run's pairs, and why."""
    used = stats.get("probabilistic", {}).get("model")
    if used == "stored" and stored is not None:
        return {"used": "stored", "trained_run_id": stored.trained_run_id,
                "trained_on": stored.trained_on.isoformat()}
    return {"used": used, "not_reused": why_not}
