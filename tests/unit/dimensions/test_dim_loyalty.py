"""dim_customer_loyalty: tenure, interactions, activity and the churn-risk rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pyarrow as pa
from lakebuild import by_customer, run, write, write_stage, write_xref

FCT_TX = pa.schema([
    ("customer_id", pa.string()), ("month", pa.date32()), ("category", pa.string()),
    ("direction", pa.string()), ("transaction_count", pa.int64()),
    ("total_amount", pa.decimal128(18, 2)),
    ("first_booked_at", pa.timestamp("us", tz="UTC")),
    ("last_booked_at", pa.timestamp("us", tz="UTC")),
])
FCT_CONTACTS = pa.schema([
    ("contact_id", pa.string()), ("customer_id", pa.string()),
    ("started_at", pa.timestamp("us", tz="UTC")), ("contact_date", pa.date32()),
    ("reason_code", pa.string()), ("outcome", pa.string()), ("is_complaint", pa.bool_()),
])
FCT_SESSIONS = pa.schema([
    ("session_key", pa.string()), ("customer_id", pa.string()), ("session_date", pa.date32()),
    ("session_start", pa.timestamp("us", tz="UTC")), ("session_end", pa.timestamp("us", tz="UTC")),
])


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def debit(customer: str, month: str, amount: str, count: int = 1) -> dict[str, object]:
    first = ts(f"{month}T10:00:00")
    return {"customer_id": customer, "month": date.fromisoformat(month), "category": "groceries",
            "direction": "debit", "transaction_count": count, "total_amount": Decimal(amount),
            "first_booked_at": first, "last_booked_at": first}


def build(lake, accounts=(), loyalty=(), crm=(), tx=(), contacts=(), sessions=()) -> None:
    write_xref(lake, [
        ("core_banking", "100", "A"), ("mainframe_loyalty", "M1", "A"), ("crm", "CRM-1", "A"),
        ("core_banking", "200", "B"),
        ("crm", "CRM-3", "C"),
    ])
    write_stage(lake, "core_banking_customers", [
        {"customer_number": 100, "customer_since": date(2015, 3, 20)},
        {"customer_number": 200, "customer_since": date(2025, 12, 1)},
    ])
    write_stage(lake, "core_banking_products", [
        {"product_code": "CHK", "product_type": "checking"},
        {"product_code": "SAV", "product_type": "savings"},
    ])
    write_stage(lake, "core_banking_accounts", list(accounts))
    write_stage(lake, "mainframe_loyalty", list(loyalty))
    write_stage(lake, "crm_customers", list(crm))
    write(lake, "fct_transactions_monthly", FCT_TX, list(tx))
    write(lake, "fct_contacts", FCT_CONTACTS, list(contacts))
    write(lake, "fct_digital_sessions", FCT_SESSIONS, list(sessions))


def test_tenure_counts_whole_months_from_the_earliest_relationship_date_of_any_source(
        lake, duckdb_engine) -> None:
    build(
        lake,
        accounts=[{"account_id": 1, "customer_number": 100, "product_code": "CHK",
                   "status": "open", "opened_at": date(2014, 6, 10)}],
        loyalty=[{"member_number": "M1", "enrolled_on": date(2016, 1, 1), "tier": "GOLD",
                  "points_balance": 1200}],
        crm=[{"crm_customer_id": "CRM-1", "created_at": ts("2013-12-31T23:00:00")}],
    )
    rows = by_customer(run(duckdb_engine, "athena", "dim_customer_loyalty"))
    a = rows["A"]
    # 2013-12-31 → 2026-11-25: 155 calendar months, the 25th is before the 31st → 154.
    assert (a["relationship_start_date"], a["tenure_months"], a["tenure_years"],
            a["tenure_band"]) == (date(2013, 12, 31), 154, 12, "10y+")
    assert (rows["B"]["tenure_months"], rows["B"]["tenure_band"]) == (11, "new")
    assert (rows["C"]["tenure_months"], rows["C"]["tenure_band"]) == (None, "unknown")


def test_first_and_last_interaction_span_transactions_contacts_and_sessions(
        lake, duckdb_engine) -> None:
    build(
        lake,
        tx=[debit("A", "2026-02-01", "10.00"), debit("A", "2026-10-01", "10.00")],
        contacts=[{"contact_id": "K1", "customer_id": "A", "started_at": ts("2025-12-03T09:00:00"),
                   "contact_date": date(2025, 12, 3), "reason_code": "BALANCE",
                   "is_complaint": False}],
        sessions=[{"session_key": "s1", "customer_id": "A", "session_date": date(2026, 11, 20),
                   "session_start": ts("2026-11-20T08:00:00"),
                   "session_end": ts("2026-11-20T08:05:00")}],
    )
    a = by_customer(run(duckdb_engine, "athena", "dim_customer_loyalty"))["A"]
    assert (a["first_interaction_at"], a["last_interaction_at"], a["last_interaction_channel"],
            a["days_since_last_interaction"]) == (
        ts("2025-12-03T09:00:00"), ts("2026-11-20T08:05:00"), "digital", 5)


def test_activity_counts_months_and_interactions_of_the_last_12_complete_months(
        lake, duckdb_engine) -> None:
    build(lake, tx=[
        debit("A", "2025-10-01", "5.00", count=7),   # 13 months ago: outside
        debit("A", "2025-11-01", "5.00", count=3),   # 12 months ago
        debit("A", "2026-06-01", "5.00", count=4),
        debit("A", "2026-11-01", "5.00", count=9),   # current month: not complete
    ])
    a = by_customer(run(duckdb_engine, "athena", "dim_customer_loyalty"))["A"]
    assert (a["active_months_12m"], a["interactions_12m"], a["avg_monthly_interactions_12m"]) == (
        2, 7, 7 / 12)


def test_churn_risk_adds_inactivity_spend_drop_closure_complaint_and_single_product(
        lake, duckdb_engine) -> None:
    build(
        lake,
        accounts=[
            {"account_id": 1, "customer_number": 100, "product_code": "CHK", "status": "open",
             "opened_at": date(2014, 6, 10)},
            {"account_id": 2, "customer_number": 100, "product_code": "SAV", "status": "closed",
             "opened_at": date(2015, 1, 1), "closed_at": date(2026, 2, 1)},
            {"account_id": 3, "customer_number": 200, "product_code": "CHK", "status": "open",
             "opened_at": date(2025, 12, 1)},
            {"account_id": 4, "customer_number": 200, "product_code": "SAV", "status": "open",
             "opened_at": date(2025, 12, 1)},
        ],
        tx=[
            # A: prior 3 months (May-Jul) 300 each, last 3 (Aug-Oct) 70 each: -77%.
            *(debit("A", m, "300.00") for m in ("2026-05-01", "2026-06-01", "2026-07-01")),
            *(debit("A", m, "70.00") for m in ("2026-08-01", "2026-09-01")),
            {**debit("A", "2026-09-01", "70.00"), "category": "dining",
             "last_booked_at": ts("2026-09-20T12:00:00")},
            # B: spend 100 → 70 exactly (-30%), active this month.
            *(debit("B", m, "100.00") for m in ("2026-05-01", "2026-06-01", "2026-07-01")),
            *(debit("B", m, "70.00") for m in ("2026-08-01", "2026-09-01", "2026-10-01")),
            {**debit("B", "2026-11-01", "1.00"), "last_booked_at": ts("2026-11-24T12:00:00")},
        ],
        contacts=[{"contact_id": "K1", "customer_id": "A", "started_at": ts("2026-09-01T09:00:00"),
                   "contact_date": date(2026, 9, 1), "reason_code": "COMPLAINT",
                   "is_complaint": True}],
    )
    rows = by_customer(run(duckdb_engine, "athena", "dim_customer_loyalty"))
    a, b, c = rows["A"], rows["B"], rows["C"]
    # A: last interaction 2026-09-20 (66 days) → inactive; all five signals.
    assert (a["inactive_60d"], a["spend_drop_30pct"], a["closed_account_12m"],
            a["complained_90d"], a["single_product"]) == (True, True, True, True, True)
    assert (a["debit_spend_last_3m"], a["debit_spend_prior_3m"]) == (
        Decimal("210.00"), Decimal("900.00"))
    assert (a["churn_risk_score"], a["churn_risk_band"]) == (6, "high")
    # B: active, exactly -30% counts as a drop, two products.
    assert (b["inactive_60d"], b["spend_drop_30pct"], b["single_product"]) == (False, True, False)
    assert (b["churn_risk_score"], b["churn_risk_band"]) == (1, "medium")
    # C: CRM only, no account: churn does not apply.
    assert (c["churn_risk_score"], c["churn_risk_band"]) == (2, "not_applicable")


def test_loyalty_tier_is_the_highest_of_the_members_records(lake, duckdb_engine) -> None:
    build(lake)
    write_xref(lake, [("mainframe_loyalty", "M1", "A"), ("mainframe_loyalty", "M2", "A")])
    write_stage(lake, "mainframe_loyalty", [
        {"member_number": "M1", "tier": "SILVER", "points_balance": 100,
         "enrolled_on": date(2020, 1, 1)},
        {"member_number": "M2", "tier": "PLATINUM", "points_balance": 50,
         "enrolled_on": date(2021, 1, 1)},
    ])
    a = by_customer(run(duckdb_engine, "athena", "dim_customer_loyalty"))["A"]
    assert (a["loyalty_tier"], a["loyalty_points"], a["loyalty_enrolled_on"]) == (
        "PLATINUM", 150, date(2020, 1, 1))
