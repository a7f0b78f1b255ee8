"""The int_customer_xref step on a local lake: tables written, ids kept on the next run."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa

from c360.identity.resolve import resolve_identity

DAY1, DAY2 = date(2026, 11, 25), date(2026, 11, 26)


def person_records(extra: int = 0) -> pa.Table:
    rows = [
        ("core_banking", "1001", "Ana", "Silva", date(1984, 9, 2), "123-45-6789", 1001),
        ("mainframe_cards", "123-45-6789:4321", "ANA", "SILVA", date(1984, 9, 2),
         "123-45-6789", None),
        ("call_center", "CT1", "Ana", "Silva", None, None, 1001),
        ("core_banking", "1002", "Tom", "Berg", date(1970, 1, 30), "987-65-4321", 1002),
    ]
    rows += [("core_banking", f"20{i:02d}", "Eva", f"Novak{i}", date(1990, 5, 5), None, None)
             for i in range(extra)]
    types = {"source_system": pa.string(), "source_key": pa.string(),
             "first_name": pa.string(), "last_name": pa.string(), "birth_date": pa.date32(),
             "national_id": pa.string(), "customer_number": pa.int64()}
    n = len(rows)
    return pa.table({
        **{name: pa.array([r[i] for r in rows], kind) for i, (name, kind) in
           enumerate(types.items())},
        **{c: pa.nulls(n, pa.string()) for c in ("email", "phone", "address_line", "city",
                                                 "state", "postal_code")},
        "email_verified": pa.array([False] * n),
        "observed_at": pa.array([datetime(2026, 11, 1, tzinfo=UTC)] * n,
                                pa.timestamp("us", tz="UTC")),
    })


def current_ids(engine) -> dict[str, str]:
    rows = engine.query("select * from int_customer_xref", "duckdb").to_pylist()
    return {f"{r['source_system']}:{r['source_key']}": r["customer_id"] for r in rows}


def test_step_keeps_every_id_on_the_next_run_and_numbers_a_new_person_next(duckdb_engine,
                                                                          shipped):
    duckdb_engine.write_arrow("int_person_records", person_records())
    first = resolve_identity(duckdb_engine, shipped, "daily-2026-11-25", DAY1)
    before = current_ids(duckdb_engine)
    assert before == {"core_banking:1001": "C0000000001",
                      "mainframe_cards:123-45-6789:4321": "C0000000001",
                      "call_center:CT1": "C0000000001", "core_banking:1002": "C0000000002"}
    assert first.details["registry"]["events"] == {"new": 2, "merge": 0, "split": 0}

    duckdb_engine.write_arrow("int_person_records", person_records(extra=1))
    second = resolve_identity(duckdb_engine, shipped, "daily-2026-11-26", DAY2)
    after = current_ids(duckdb_engine)
    assert {k: after[k] for k in before} == before
    assert after["core_banking:2000"] == "C0000000003"
    assert second.details["registry"]["id_stability"] == 1.0
    events = duckdb_engine.query(
        "select event_type, customer_id, logical_date from int_identity_events "
        "order by logical_date, customer_id", "duckdb").to_pylist()
    assert [(e["event_type"], e["customer_id"], e["logical_date"]) for e in events] == [
        ("new", "C0000000001", DAY1), ("new", "C0000000002", DAY1), ("new", "C0000000003", DAY2)]
