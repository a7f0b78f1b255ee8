"""The profile loader against the emulator's DynamoDB: idempotent, lookups kept in step."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from harness import Emulator

from c360.serving.loader import load_profiles

from .aws import all_items, create_profiles_table

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("emulator")]


def profiles(n: int, email_domain: str = "example.com") -> list[dict[str, object]]:
    return [{"customer_id": f"C{i:015X}", "first_name": f"Name{i}",
             "email": f"person{i}@{email_domain}", "phone": f"+1 415 555 {i:04d}",
             "deposit_balance": Decimal(f"{i}.25"), "snapshot_date": "2026-11-25"}
            for i in range(n)]


def email_pk(email: str) -> str:
    return "EMAIL#" + hashlib.sha256(email.encode()).hexdigest()


def test_loading_the_same_profiles_twice_leaves_the_same_items(
        emulator: Emulator, unique_name: str) -> None:
    table = create_profiles_table(emulator, unique_name)
    client = emulator.client("dynamodb")
    first = load_profiles(table, profiles(60), client)
    after_first = all_items(emulator, table)

    second = load_profiles(table, profiles(60), client)

    assert all_items(emulator, table) == after_first
    assert len(after_first) == 60 * 3  # profile + email lookup + phone lookup each
    assert (first.profiles, second.profiles, second.lookups_removed) == (60, 60, 0)


def test_a_changed_email_removes_the_old_lookup_item(
        emulator: Emulator, unique_name: str) -> None:
    table = create_profiles_table(emulator, unique_name)
    client = emulator.client("dynamodb")
    load_profiles(table, profiles(2), client)

    report = load_profiles(table, profiles(2, email_domain="new.example.org"), client)

    keys = {(i["pk"]["S"], i["sk"]["S"]) for i in all_items(emulator, table)}
    assert (email_pk("person1@example.com"), "CUSTOMER#C000000000000001") not in keys
    assert (email_pk("person1@new.example.org"), "CUSTOMER#C000000000000001") in keys
    assert report.lookups_removed == 2


def test_money_is_stored_as_an_exact_number(emulator: Emulator, unique_name: str) -> None:
    table = create_profiles_table(emulator, unique_name)
    load_profiles(table, profiles(2), emulator.client("dynamodb"))
    item = emulator.client("dynamodb").get_item(
        TableName=table, Key={"pk": {"S": "CUSTOMER#C000000000000001"}, "sk": {"S": "PROFILE"}})
    assert item["Item"]["deposit_balance"] == {"N": "1.25"}
