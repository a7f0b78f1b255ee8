"""CRM API pages: cursor chaining, totals, incremental order."""

from __future__ import annotations

from pathlib import Path

import sources_testkit as kit

from c360.sources.crm import PAGE_SIZE, cursor


def test_crm_pages_chain_through_next_cursor_to_a_null_cursor(out: Path) -> None:
    pages = kit.crm_pages(out)

    assert len(pages) > 1
    assert [p["page"] for p in pages] == list(range(1, len(pages) + 1))
    for page in pages[:-1]:
        last = page["data"][-1]
        assert page["next_cursor"] == cursor(last["updated_at"], last["id"])
    assert pages[-1]["next_cursor"] is None


def test_crm_total_matches_number_of_records_on_every_page(out: Path) -> None:
    pages = kit.crm_pages(out)
    records = sum(len(p["data"]) for p in pages)

    assert {p["total"] for p in pages} == {records}
    assert all(len(p["data"]) == PAGE_SIZE for p in pages[:-1])
    assert all(p["page_size"] == PAGE_SIZE for p in pages)


def test_crm_records_are_sorted_by_updated_at_then_id(out: Path) -> None:
    keys = [(r["updated_at"], r["id"]) for r in kit.crm_records(out)]

    assert keys == sorted(keys)


def test_crm_ids_are_unique(out: Path) -> None:
    ids = [r["id"] for r in kit.crm_records(out)]

    assert len(ids) == len(set(ids))


def test_crm_record_has_the_documented_fields(out: Path) -> None:
    record = kit.crm_records(out)[0]

    assert list(record) == [
        "id", "first_name", "last_name", "email", "email_verified", "phone", "birth_date",
        "address", "national_id", "marketing_consent", "consent_updated_at",
        "preferred_channel", "interests", "occupation", "annual_income", "created_at",
        "updated_at",
    ]  # fmt: skip
    assert list(record["address"]) == ["line1", "city", "state", "postal_code"]
    assert list(record["marketing_consent"]) == ["email", "sms", "phone", "post"]


def test_crm_timestamps_are_iso_utc_and_updated_after_created(out: Path) -> None:
    for r in kit.crm_records(out):
        assert r["updated_at"].endswith("Z") and len(r["updated_at"]) == 20
        assert r["created_at"] <= r["consent_updated_at"] <= r["updated_at"] < "2026-11-25"
