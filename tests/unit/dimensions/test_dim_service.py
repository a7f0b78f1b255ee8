"""fct_contacts and dim_customer_service: windows, reasons, sentiment, last contact."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from lakebuild import by_customer, run, write_stage, write_xref


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def contact(contact_id: str, started: str, reason: str, outcome: str = "resolved",
            sentiment: str | None = "0.10") -> dict[str, object]:
    return {"contact_id": contact_id, "started_at": ts(started), "reason_code": reason,
            "outcome": outcome, "sentiment": Decimal(sentiment) if sentiment else None,
            "caller_name": "Ann Smith", "phone_number": "5550001111", "note": "called about x"}


def build(lake, engine) -> dict[str, dict[str, object]]:
    contacts = [
        contact("K1", "2026-08-27T09:00:00", "FEES", sentiment="-0.90"),      # 90 days + 1 ago
        contact("K2", "2026-08-28T09:00:00", "BALANCE", sentiment="0.30"),    # first day in window
        contact("K3", "2026-10-01T09:00:00", "COMPLAINT", "escalated", "-0.50"),
        contact("K4", "2026-11-02T09:00:00", "BALANCE", sentiment=None),
        contact("K5", "2026-11-20T17:00:00", "FEES", "abandoned", "0.05"),
        contact("K6", "2026-11-24T08:00:00", "COMPLAINT", "resolved", "0.20"),
        contact("K7", "2026-11-26T08:00:00", "OTHER"),                       # after logical date
        contact("K8", "2026-11-01T08:00:00", "OTHER"),
    ]
    write_stage(lake, "call_center_contacts", contacts)
    write_xref(lake, [*((("call_center", f"K{i}", "A") for i in range(1, 8))),
                      ("call_center", "K8", "B"), ("crm", "X", "C")])
    run(engine, "athena", "fct_contacts", order_by="contact_id")
    return by_customer(run(engine, "athena", "dim_customer_service"))


def test_contact_fact_keeps_no_caller_personal_data(lake, duckdb_engine) -> None:
    build(lake, duckdb_engine)
    columns = duckdb_engine.query("select * from fct_contacts limit 0").column_names
    assert not {"caller_name", "phone_number", "note"} & set(columns)


def test_service_counts_contacts_of_the_90_days_ending_on_the_logical_date(
        lake, duckdb_engine) -> None:
    a = build(lake, duckdb_engine)["A"]
    assert (a["contacts_total"], a["contacts_90d"], a["complaints_90d"],
            a["unresolved_complaints_90d"], a["escalations_90d"], a["abandoned_calls_90d"]) == (
        6, 5, 2, 1, 1, 1)


def test_service_ranks_reasons_by_count_then_recency_and_averages_stated_sentiment(
        lake, duckdb_engine) -> None:
    a = build(lake, duckdb_engine)["A"]
    # BALANCE 2 (last 11-02), COMPLAINT 2 (last 11-24) → COMPLAINT first; FEES 1.
    assert (a["top_reason_90d"], a["top_reasons_90d"]) == ("COMPLAINT", "COMPLAINT,BALANCE,FEES")
    # 0.30 - 0.50 + 0.05 + 0.20 = 0.05 exactly (decimal), over 4 stated values.
    assert a["avg_sentiment_90d"] == 0.05 / 4


def test_last_contact_is_the_latest_one_up_to_the_logical_date(lake, duckdb_engine) -> None:
    rows = build(lake, duckdb_engine)
    a = rows["A"]
    assert (a["last_contact_at"], a["last_contact_reason"], a["last_contact_outcome"],
            a["days_since_last_contact"]) == (ts("2026-11-24T08:00:00"), "COMPLAINT", "resolved", 1)
    c = rows["C"]
    assert (c["contacts_total"], c["top_reasons_90d"], c["last_contact_at"],
            c["avg_sentiment_90d"]) == (0, "", None, None)
    assert (rows["B"]["last_contact_at"], rows["B"]["contacts_90d"]) == (
        ts("2026-11-01T08:00:00"), 1)
