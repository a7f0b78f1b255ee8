"""Core-banking tables: ledger consistency, references, salary pattern."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import sources_testkit as kit


def _table(out: Path, name: str) -> list[dict[str, str]]:
    return kit.read_csv(out / "core_banking" / f"{name}.csv")


def test_transaction_direction_matches_amount_sign(out: Path) -> None:
    rows = _table(out, "transactions")

    assert rows
    assert all((Decimal(r["amount"]) > 0) == (r["direction"] == "credit") for r in rows)
    assert all(Decimal(r["amount"]) != 0 for r in rows)


def test_transaction_amounts_have_exactly_two_decimals(out: Path) -> None:
    amounts = [r["amount"] for r in _table(out, "transactions")]

    assert all(len(a.split(".")[1]) == 2 for a in amounts)


def test_transaction_ids_increase_with_booking_time(out: Path) -> None:
    rows = _table(out, "transactions")
    ids = [int(r["transaction_id"]) for r in rows]

    assert ids == list(range(1, len(rows) + 1))
    assert [r["booked_at"] for r in rows] == sorted(r["booked_at"] for r in rows)


def test_transactions_span_the_twelve_months_before_the_logical_date(out: Path) -> None:
    booked = [r["booked_at"] for r in _table(out, "transactions")]

    assert min(booked) >= "2025-11-25 00:00:00"
    assert max(booked) < "2026-11-25 00:00:00"
    assert min(booked) < "2025-12-01" and max(booked) > "2026-11-20"


def test_transactions_and_accounts_reference_existing_keys(out: Path) -> None:
    customers = {r["customer_number"] for r in _table(out, "customers")}
    accounts = _table(out, "accounts")
    products = {r["product_code"] for r in _table(out, "products")}

    assert {a["customer_number"] for a in accounts} <= customers
    assert {a["product_code"] for a in accounts} <= products
    assert {t["account_id"] for t in _table(out, "transactions")} <= {
        a["account_id"] for a in accounts
    }


def test_transactions_fall_inside_the_account_open_period(out: Path) -> None:
    accounts = {a["account_id"]: a for a in _table(out, "accounts")}

    for t in _table(out, "transactions"):
        account = accounts[t["account_id"]]
        assert t["booked_at"][:10] >= account["opened_at"]
        assert not account["closed_at"] or t["booked_at"][:10] <= account["closed_at"]


def test_closed_accounts_and_only_they_have_a_closing_date(out: Path) -> None:
    accounts = _table(out, "accounts")

    assert all((a["status"] == "closed") == (a["closed_at"] != "") for a in accounts)
    assert {a["status"] for a in accounts} <= {"open", "closed", "frozen"}


def test_only_credit_cards_have_a_credit_limit(out: Path) -> None:
    products = {r["product_code"]: r["product_type"] for r in _table(out, "products")}

    for a in _table(out, "accounts"):
        assert (a["credit_limit"] != "") == (products[a["product_code"]] == "credit_card")


def test_salary_arrives_monthly_on_a_fixed_day_with_a_fixed_amount(out: Path) -> None:
    salaries: dict[str, list[dict[str, str]]] = defaultdict(list)
    for t in _table(out, "transactions"):
        if t["category"] == "salary":
            salaries[t["account_id"]].append(t)

    assert len(salaries) > 50
    for rows in salaries.values():
        assert len({r["booked_at"][8:10] for r in rows}) == 1
        assert len({r["amount"] for r in rows}) == 1
        assert len({r["merchant"] for r in rows}) == 1
        assert len({r["booked_at"][:7] for r in rows}) == len(rows)


def test_some_persons_have_two_core_customer_numbers(out: Path) -> None:
    persons = list(kit.person_of(out, "core_banking").values())

    assert len(persons) > len(set(persons))


def test_customer_numbers_are_unique(out: Path) -> None:
    numbers = [r["customer_number"] for r in _table(out, "customers")]

    assert len(numbers) == len(set(numbers))
