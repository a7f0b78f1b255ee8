"""Mainframe files: fixed-width layout, header/trailer control totals."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import sources_testkit as kit

from c360.sources.mainframe import (
    LOYALTY_HEADER_LAYOUT,
    LOYALTY_LAYOUT,
    LOYALTY_RECORD_LENGTH,
    LOYALTY_TRAILER_LAYOUT,
    parse_fixed,
)


def test_loyalty_layout_fields_are_contiguous_and_fill_the_record() -> None:
    position = 1
    for _, start, length, _ in LOYALTY_LAYOUT:
        assert start == position
        position += length

    assert position - 1 == LOYALTY_RECORD_LENGTH


def test_loyalty_trailer_count_and_points_total_match_detail_lines(out: Path) -> None:
    lines = kit.loyalty_lines(out)
    details = kit.loyalty_details(out)
    trailer = parse_fixed(lines[-1], LOYALTY_TRAILER_LAYOUT)

    assert trailer["record_type"] == "T"
    assert int(trailer["record_count"]) == len(details) == len(lines) - 2
    assert int(trailer["points_total"]) == sum(int(d["points_balance"]) for d in details)


def test_loyalty_header_names_the_file_and_logical_date(out: Path) -> None:
    header = parse_fixed(kit.loyalty_lines(out)[0], LOYALTY_HEADER_LAYOUT)

    assert header["record_type"] == "H"
    assert header["file_name"].strip() == "loyalty_20261125.dat"
    assert header["file_date"] == "20261125"
    assert header["sequence"].isdigit()


def test_loyalty_lines_are_fixed_width_upper_case_ascii(out: Path) -> None:
    lines = kit.loyalty_lines(out)

    assert {len(line) for line in lines} == {LOYALTY_RECORD_LENGTH}
    assert all(line.isascii() for line in lines)
    assert all(d["last_name"] == d["last_name"].upper() for d in kit.loyalty_details(out))
    assert {d["tier"].strip() for d in kit.loyalty_details(out)} <= {
        "BRONZE",
        "SILVER",
        "GOLD",
        "PLATINUM",
    }


def test_cards_trailer_count_and_balance_total_match_detail_lines(out: Path) -> None:
    header, details, trailer = kit.cards_file(out)

    assert header[:3] == ["HDR", "cards", "20261125"]
    assert trailer[0] == "TRL"
    assert int(trailer[1]) == len(details)
    assert Decimal(trailer[2]) == sum(Decimal(d["statement_balance"]) for d in details)


def test_cards_holder_name_is_last_comma_first(out: Path) -> None:
    _, details, _ = kit.cards_file(out)

    assert details
    assert all(", " in d["card_holder_name"] for d in details)
    assert all(d["card_holder_name"] == d["card_holder_name"].upper() for d in details)


def test_docs_loyalty_table_matches_the_layout_constant() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "sources.md"
    rows = re.findall(
        r"^\| `(\w+)` \| (\d+) \| (\d+) \| (\w) \|", docs.read_text(encoding="utf-8"), re.M
    )

    assert [(f, int(s), int(n), t) for f, s, n, t in rows] == LOYALTY_LAYOUT
