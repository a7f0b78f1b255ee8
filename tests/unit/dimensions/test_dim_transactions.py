"""fct_transactions_monthly and dim_customer_transactions: spend, trend, salary detection."""

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


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def fact(customer: str, month: str, category: str, direction: str, amount: str,
         count: int = 1) -> dict[str, object]:
    at = ts(f"{month}T06:00:00")
    return {"customer_id": customer, "month": date.fromisoformat(month), "category": category,
            "direction": direction, "transaction_count": count, "total_amount": Decimal(amount),
            "first_booked_at": at, "last_booked_at": at}


def dim(lake, engine, facts: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    write_xref(lake, [("core_banking", str(n), c) for n, c in ((1, "A"), (2, "B"), (3, "C"))])
    write(lake, "fct_transactions_monthly", FCT_TX, facts)
    return by_customer(run(engine, "athena", "dim_customer_transactions"))


def salary(customer: str, month: str, amount: str) -> dict[str, object]:
    return fact(customer, month, "salary", "credit", amount)


def test_monthly_fact_sums_absolute_amounts_per_direction_and_keeps_booking_bounds(
        lake, duckdb_engine) -> None:
    write_xref(lake, [("core_banking", "7", "A")])
    write_stage(lake, "core_banking_accounts", [{"account_id": 70, "customer_number": 7}])
    write_stage(lake, "core_banking_transactions", [
        {"transaction_id": 1, "account_id": 70, "booked_at": ts("2026-10-03T09:00:00"),
         "amount": Decimal("-12.50"), "direction": "debit", "category": "dining"},
        {"transaction_id": 2, "account_id": 70, "booked_at": ts("2026-10-28T19:30:00"),
         "amount": Decimal("-7.25"), "direction": "debit", "category": "dining"},
        {"transaction_id": 3, "account_id": 70, "booked_at": ts("2026-10-25T06:00:00"),
         "amount": Decimal("3000.00"), "direction": "credit", "category": "salary"},
        {"transaction_id": 4, "account_id": 70, "booked_at": ts("2026-11-01T00:00:00"),
         "amount": Decimal("-1.00"), "direction": "debit", "category": None},
        {"transaction_id": 5, "account_id": 99, "booked_at": ts("2026-10-01T00:00:00"),
         "amount": Decimal("-5.00"), "direction": "debit", "category": "dining"},
    ])
    rows = run(duckdb_engine, "spark", "fct_transactions_monthly",
               order_by="month, category, direction")
    assert [(r["customer_id"], r["month"], r["category"], r["direction"], r["transaction_count"],
             r["total_amount"], r["first_booked_at"], r["last_booked_at"]) for r in rows] == [
        ("A", date(2026, 10, 1), "dining", "debit", 2, Decimal("19.75"),
         ts("2026-10-03T09:00:00"), ts("2026-10-28T19:30:00")),
        ("A", date(2026, 10, 1), "salary", "credit", 1, Decimal("3000.00"),
         ts("2026-10-25T06:00:00"), ts("2026-10-25T06:00:00")),
        ("A", date(2026, 11, 1), "uncategorized", "debit", 1, Decimal("1.00"),
         ts("2026-11-01T00:00:00"), ts("2026-11-01T00:00:00")),
    ]


def test_salary_is_detected_from_salary_credits_in_three_of_the_last_four_complete_months(
        lake, duckdb_engine) -> None:
    rows = dim(lake, duckdb_engine, [
        # A: Jul, Sep, Oct (Aug missing) → 3 of 4; amounts within 10% → stable.
        salary("A", "2026-07-01", "3000.00"), salary("A", "2026-09-01", "3100.00"),
        salary("A", "2026-10-01", "3250.00"),
        # B: Jun (5 months ago, outside), Sep, Oct, Nov (current month) → 2 of 4.
        salary("B", "2026-06-01", "2000.00"), salary("B", "2026-09-01", "2000.00"),
        salary("B", "2026-10-01", "2000.00"), salary("B", "2026-11-01", "2000.00"),
        # C: every month but one month's total is 25% higher → detected, not stable.
        salary("C", "2026-07-01", "4000.00"), salary("C", "2026-08-01", "4000.00"),
        salary("C", "2026-09-01", "5000.00"), salary("C", "2026-10-01", "4000.00"),
    ])
    summary = {c: (r["salary_months_4m"], r["salary_detected"], r["salary_stable"],
                   r["salary_last_month"]) for c, r in rows.items()}
    assert summary == {
        "A": (3, True, True, Decimal("3250.00")),
        "B": (2, False, False, Decimal("2000.00")),
        "C": (4, True, False, Decimal("4000.00")),
    }


def test_spend_averages_three_complete_months_and_compares_with_the_three_before(
        lake, duckdb_engine) -> None:
    rows = dim(lake, duckdb_engine, [
        fact("A", "2026-05-01", "groceries", "debit", "100.00"),
        fact("A", "2026-06-01", "groceries", "debit", "100.00"),
        fact("A", "2026-07-01", "groceries", "debit", "100.00"),
        fact("A", "2026-08-01", "groceries", "debit", "150.00"),
        fact("A", "2026-09-01", "rent", "debit", "900.00"),
        fact("A", "2026-10-01", "dining", "debit", "10.01"),
        fact("A", "2026-11-01", "travel", "debit", "5000.00"),   # current month: ignored
        fact("A", "2026-10-01", "transfer", "credit", "50.00"),
        fact("B", "2026-10-01", "groceries", "debit", "30.00"),
    ])
    a, b = rows["A"], rows["B"]
    # (150 + 900 + 10.01) / 3 = 353.336… → 353.34; before: 300 / 3 = 100.
    assert (a["avg_monthly_spend"], a["prior_avg_monthly_spend"], a["avg_monthly_income"]) == (
        Decimal("353.34"), Decimal("100.00"), Decimal("16.67"))
    assert (a["spend_groceries"], a["spend_housing"], a["spend_dining"], a["spend_travel"]) == (
        Decimal("50.00"), Decimal("300.00"), Decimal("3.34"), Decimal("0.00"))
    assert (a["spend_trend"], a["top_spend_category"]) == ("rising", "rent")
    assert a["spend_change_ratio"] == 253.34 / 100.0
    assert (b["spend_trend"], b["spend_change_ratio"], b["debit_count_12m"]) == ("new", None, 1)
    assert (rows["C"]["avg_monthly_spend"], rows["C"]["top_spend_category"]) == (
        Decimal("0.00"), None)
