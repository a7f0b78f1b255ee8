"""dim_customer_products: holdings, signed balances, credit utilisation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lakebuild import by_customer, run, write_stage, write_xref


def test_products_count_open_holdings_and_report_amounts_owed_as_positive(
        lake, duckdb_engine) -> None:
    write_xref(lake, [("core_banking", "1", "A"), ("core_banking", "2", "B"), ("crm", "X", "C")])
    write_stage(lake, "core_banking_products", [
        {"product_code": "CHK", "product_type": "checking"},
        {"product_code": "SAV", "product_type": "savings"},
        {"product_code": "CC", "product_type": "credit_card"},
        {"product_code": "MTG", "product_type": "mortgage"},
        {"product_code": "INV", "product_type": "investment"},
    ])

    def account(n: int, customer: int, code: str, status: str, balance: str,
                limit: str | None = None, opened: date = date(2020, 1, 1)) -> dict[str, object]:
        return {"account_id": n, "customer_number": customer, "product_code": code,
                "status": status, "balance": Decimal(balance),
                "credit_limit": Decimal(limit) if limit else None, "opened_at": opened}

    write_stage(lake, "core_banking_accounts", [
        account(1, 1, "CHK", "open", "1200.50", opened=date(2010, 5, 1)),
        account(2, 1, "CHK", "open", "99.50"),
        account(3, 1, "CC", "open", "-750.00", "3000.00"),
        account(4, 1, "MTG", "open", "-180000.00"),
        account(5, 1, "INV", "open", "5000.00"),
        account(6, 1, "SAV", "closed", "0.00", opened=date(2024, 2, 2)),
        account(7, 2, "CC", "frozen", "-10.00", "500.00"),
    ])
    write_stage(lake, "mainframe_cards", [])
    rows = by_customer(run(duckdb_engine, "athena", "dim_customer_products"))
    a = rows["A"]
    assert (a["product_count"], a["open_account_count"], a["closed_account_count"],
            a["products_held"]) == (4, 5, 1, "checking,credit_card,investment,mortgage")
    assert (a["holds_checking"], a["holds_savings"], a["holds_credit_card"], a["holds_mortgage"],
            a["holds_investment"], a["holds_insurance"]) == (True, False, True, True, True, False)
    assert (a["deposit_balance"], a["investment_balance"], a["loan_balance"], a["card_balance"],
            a["card_limit"], a["credit_utilisation"]) == (
        Decimal("1300.00"), Decimal("5000.00"), Decimal("180000.00"), Decimal("750.00"),
        Decimal("3000.00"), 0.25)
    assert (a["first_account_opened_on"], a["last_account_opened_on"]) == (
        date(2010, 5, 1), date(2024, 2, 2))
    b = rows["B"]
    assert (b["product_count"], b["frozen_account_count"], b["products_held"],
            b["credit_utilisation"]) == (0, 1, "", None)
    assert (rows["C"]["product_count"], rows["C"]["deposit_balance"]) == (0, Decimal("0.00"))
