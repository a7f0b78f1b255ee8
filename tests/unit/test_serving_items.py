"""Profile rows → DynamoDB items: keys, lookups, exact money, JSON-safe values back."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest

from c360.serving import items, keys

ROW = {
    "customer_id": "C0A1B2C3D4E5F607",
    "first_name": "Ana",
    "email": "  Ana.Silva@Example.COM ",
    "phone": "+1 (555) 010-4477",
    "birth_date": date(1984, 3, 9),
    "deposit_balance": Decimal("12034.50"),
    "credit_utilisation": 0.25,
    "product_count": 3,
    "salary_detected": True,
    "occupation": None,
    "snapshot_date": "2026-11-25",
}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_email_is_trimmed_and_lower_cased_before_hashing() -> None:
    assert keys.email_pk(keys.normalize_email(" A@B.Co ")) == "EMAIL#" + sha("a@b.co")


def test_phone_key_hashes_only_the_digits() -> None:
    assert keys.phone_pk(keys.normalize_phone("+1 (555) 010-4477")) == "PHONE#" + sha("15550104477")


@pytest.mark.parametrize("phone", ["12345", "555-CALL-NOW", "1234567890123456", ""])
def test_phone_is_rejected_when_it_is_not_7_to_15_digits(phone: str) -> None:
    assert keys.normalize_phone(phone) is None


def test_profile_item_keys_and_lookup_keys() -> None:
    item = items.profile_item(ROW)
    assert item["pk"] == {"S": "CUSTOMER#C0A1B2C3D4E5F607"}
    assert item["sk"] == {"S": "PROFILE"}
    assert item["lookup_keys"] == {"L": sorted(
        [{"S": "EMAIL#" + sha("ana.silva@example.com")}, {"S": "PHONE#" + sha("15550104477")}],
        key=lambda a: a["S"])}


def test_profile_item_keeps_money_exact_and_dates_as_iso_strings() -> None:
    item = items.profile_item(ROW)
    assert item["deposit_balance"] == {"N": "12034.50"}
    assert item["birth_date"] == {"S": "1984-03-09"}
    assert item["occupation"] == {"NULL": True}
    assert item["salary_detected"] == {"BOOL": True}


def test_lookup_items_point_back_to_the_customer() -> None:
    assert items.lookup_items(ROW) == [
        {"pk": {"S": pk}, "sk": {"S": "CUSTOMER#C0A1B2C3D4E5F607"},
         "customer_id": {"S": "C0A1B2C3D4E5F607"}}
        for pk in sorted(["EMAIL#" + sha("ana.silva@example.com"), "PHONE#" + sha("15550104477")])
    ]


def test_profile_from_item_returns_json_safe_values_without_table_attributes() -> None:
    profile = items.profile_from_item(items.profile_item(ROW))
    assert profile == {
        "birth_date": "1984-03-09", "credit_utilisation": 0.25, "customer_id": "C0A1B2C3D4E5F607",
        "deposit_balance": 12034.5, "email": "  Ana.Silva@Example.COM ", "first_name": "Ana",
        "occupation": None, "phone": "+1 (555) 010-4477", "product_count": 3,
        "salary_detected": True, "snapshot_date": "2026-11-25",
    }


def test_profile_item_is_refused_when_customer_id_is_missing() -> None:
    with pytest.raises(items.ItemError, match="no valid customer_id"):
        items.profile_item({**ROW, "customer_id": None})


def test_not_a_number_is_stored_as_null() -> None:
    assert items.to_attribute(float("nan")) == {"NULL": True}
