"""Call-center daily files: coverage of days, verification, free-text notes."""

from __future__ import annotations

from pathlib import Path

import sources_testkit as kit


def test_call_center_writes_one_file_per_day_for_the_thirty_days_before(out: Path) -> None:
    names = [p.name for p in sorted((out / "call_center").glob("contacts_*.csv"))]

    assert len(names) == 30
    assert (names[0], names[-1]) == ("contacts_20261026.csv", "contacts_20261124.csv")


def test_contacts_start_on_the_day_of_their_file(out: Path) -> None:
    for path in sorted((out / "call_center").glob("contacts_*.csv")):
        day = path.stem[-8:]
        for row in kit.read_csv(path):
            assert row["started_at"][:10].replace("-", "") == day


def test_verified_contacts_reference_the_callers_own_core_customer_number(out: Path) -> None:
    core = kit.person_of(out, "core_banking")
    calls = kit.person_of(out, "call_center")
    verified = [r for r in kit.contacts(out) if r["customer_number"]]

    assert verified
    assert all(core[r["customer_number"]] == calls[r["contact_id"]] for r in verified)


def test_abandoned_contacts_are_never_verified(out: Path) -> None:
    abandoned = [r for r in kit.contacts(out) if r["outcome"] == "abandoned"]

    assert abandoned
    assert all(r["customer_number"] == "" for r in abandoned)


def test_notes_with_commas_quotes_and_newlines_round_trip_through_csv(out: Path) -> None:
    notes = [r["note"] for r in kit.contacts(out)]

    assert any("\n" in n for n in notes)
    assert any('"' in n for n in notes)
    assert any("," in n for n in notes)


def test_sentiment_is_between_minus_one_and_one_with_two_decimals(out: Path) -> None:
    values = [r["sentiment"] for r in kit.contacts(out)]

    assert all(-1 <= float(v) <= 1 and len(v.split(".")[1]) == 2 for v in values)
