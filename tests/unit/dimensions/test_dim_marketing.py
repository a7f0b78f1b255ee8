"""dim_customer_marketing: consent resolution, contactability, preferred channel."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa
from lakebuild import by_customer, run, write, write_golden, write_stage, write_xref

SESSIONS = pa.schema([
    ("session_key", pa.string()), ("customer_id", pa.string()), ("channel", pa.string()),
    ("session_date", pa.date32()),
])


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def crm(record: str, updated: str, consent_at: str | None, **fields: object) -> dict[str, object]:
    return {"crm_customer_id": record, "updated_at": ts(updated),
            "consent_updated_at": ts(consent_at) if consent_at else None, **fields}


def dim(lake, engine, records, golden, xref, app_users=()) -> dict[str, dict[str, object]]:
    write_stage(lake, "crm_customers", records)
    write_golden(lake, golden)
    write_xref(lake, xref)
    write(lake, "fct_digital_sessions", SESSIONS, [
        {"session_key": f"s-{c}", "customer_id": c, "channel": "app",
         "session_date": date(2026, 11, 20)} for c in app_users
    ])
    return by_customer(run(engine, "athena", "dim_customer_marketing"))


def full_contact(customer: str) -> dict[str, object]:
    return {"customer_id": customer, "email": f"{customer}@example.com", "phone": "5550001111",
            "address_line": "1 Main St"}


def test_each_channels_consent_comes_from_the_newest_record_that_states_it(
        lake, duckdb_engine) -> None:
    rows = dim(lake, duckdb_engine, [
        # Older record: email yes, sms yes, post yes.
        crm("CRM-1", "2026-01-01T00:00:00", "2025-06-01T00:00:00", consent_email=True,
            consent_sms=True, consent_post=True),
        # Newer record: email withdrawn, sms not stated, phone given.
        crm("CRM-2", "2026-02-01T00:00:00", "2026-02-01T00:00:00", consent_email=False,
            consent_phone=True),
    ], [full_contact("A")], [("crm", "CRM-1", "A"), ("crm", "CRM-2", "A")])
    a = rows["A"]
    assert (a["consent_email"], a["consent_sms"], a["consent_phone"], a["consent_post"]) == (
        False, True, True, True)
    assert (a["crm_record_count"], a["consent_updated_at"]) == (2, ts("2026-02-01T00:00:00"))


def test_a_channel_is_contactable_only_with_consent_and_an_address_for_it(
        lake, duckdb_engine) -> None:
    rows = dim(lake, duckdb_engine, [
        crm("CRM-1", "2026-01-01T00:00:00", "2026-01-01T00:00:00", consent_email=True,
            consent_sms=True, consent_phone=True, consent_post=True),
    ], [{"customer_id": "A", "email": "a@example.com", "phone": None, "address_line": None},
        {"customer_id": "B", "email": "b@example.com"}],
        [("crm", "CRM-1", "A"), ("core_banking", "2", "B")])
    a, b = rows["A"], rows["B"]
    assert (a["contactable_email"], a["contactable_sms"], a["contactable_phone"],
            a["contactable_post"], a["is_marketable"]) == (True, False, False, False, True)
    # No CRM record: nothing was consented to.
    assert (b["consent_email"], b["contactable_email"], b["is_marketable"],
            b["crm_record_count"]) == (False, False, False, 0)


def test_preferred_channel_is_the_declared_one_when_usable_else_observed_else_fallback(
        lake, duckdb_engine) -> None:
    consents = {"consent_email": True, "consent_sms": False, "consent_phone": True,
                "consent_post": False}
    rows = dim(lake, duckdb_engine, [
        crm("D", "2026-01-01T00:00:00", "2026-01-01T00:00:00", preferred_channel="phone",
            **consents),                                        # declared and contactable
        crm("E", "2026-01-01T00:00:00", "2026-01-01T00:00:00", preferred_channel="sms",
            **consents),                                        # sms not consented; uses app
        crm("F", "2026-01-01T00:00:00", "2026-01-01T00:00:00", preferred_channel="app",
            **consents),                                        # app declared, not used
        crm("G", "2026-01-01T00:00:00", "2026-01-01T00:00:00", preferred_channel="branch"),
        crm("H", "2026-01-01T00:00:00", "2026-01-01T00:00:00"),
        crm("I1", "2026-01-01T00:00:00", None, preferred_channel="email", **consents),
        crm("I2", "2026-03-01T00:00:00", None, preferred_channel="sms", **consents),
    ], [full_contact(c) for c in ("D", "E", "F", "G", "H", "I")],
        [*(("crm", c, c) for c in ("D", "E", "F", "G", "H")), ("crm", "I1", "I"),
         ("crm", "I2", "I")],
        app_users=("E",))
    resolved = {c: (r["declared_preferred_channel"], r["preferred_channel"],
                    r["preferred_channel_source"]) for c, r in rows.items()}
    assert resolved == {
        "D": ("phone", "phone", "declared"),
        "E": ("sms", "app", "observed"),
        "F": ("app", "email", "fallback"),
        "G": ("branch", "branch", "declared"),
        "H": (None, "none", "none"),
        "I": ("sms", "email", "fallback"),   # newest declaration wins, sms not consented
    }
