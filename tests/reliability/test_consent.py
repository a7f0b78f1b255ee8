"""Consent: a withdrawal in a later CRM delivery takes effect in the next hourly run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from conftest import (
    DAY1,
    Demo,
    c360,
    change_crm_record,
    copy_lake,
    customer_ids_of,
    latest_profiles,
    source_records,
)

pytestmark = pytest.mark.xdist_group("demo-lake")

FLAGS = ("consent_email", "contactable_email", "is_marketable", "preferred_channel")


def _marketing(lake: Path) -> dict[str, dict[str, Any]]:
    rows = pq.read_table(lake / "analytics" / "dim_customer_marketing").to_pylist()
    return {r["customer_id"]: r for r in rows}


def _email_contactable_crm_person(demo: Demo) -> tuple[str, str]:
    """(customer id, CRM record id) of a customer contactable by email with one CRM record."""
    import csv

    marketing = _marketing(demo.lake)
    with (demo.sources / "_ground_truth" / "records.csv").open(newline="") as fh:
        records = list(csv.DictReader(fh))
    crm_of: dict[str, list[str]] = {}
    for r in records:
        if r["source_system"] == "crm":
            crm_of.setdefault(r["person_id"], []).append(r["source_key"])
    for person, keys in sorted(crm_of.items()):
        if len(keys) != 1:
            continue
        (customer,) = customer_ids_of(demo.lake, source_records(demo.sources, person)) or {""}
        row = marketing.get(customer)
        if row and row["contactable_email"] and row["contactable_sms"]:
            return customer, keys[0]
    raise AssertionError("no customer contactable by email with a single CRM record")


@pytest.fixture(scope="module")
def withdrawn(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    work = tmp_path_factory.mktemp("consent")
    lake = copy_lake(demo.lake, work / "lake")
    customer, crm_id = _email_contactable_crm_person(demo)
    sources = work / "sources"
    import shutil

    shutil.copytree(demo.sources / "crm", sources / "crm")
    change_crm_record(sources, crm_id, "2026-11-25T10:00:00Z",
                      marketing_consent={"email": False},
                      consent_updated_at="2026-11-25T10:00:00Z")
    done = c360("run", "--schedule", "hourly", "--sources", str(sources),
                "--logical-date", DAY1.isoformat(), lake=lake)
    assert done.returncode == 0, done.stderr[-3000:]
    return lake, customer, demo.lake


def test_withdrawn_email_consent_makes_the_customer_not_contactable_by_email(
        withdrawn: tuple[Path, str, Path]) -> None:
    lake, customer, before = withdrawn
    was, now = _marketing(before)[customer], _marketing(lake)[customer]
    assert (was["consent_email"], was["contactable_email"]) == (True, True)
    assert (now["consent_email"], now["contactable_email"]) == (False, False)
    assert now["contactable_sms"] is True  # other channels keep their consent
    assert now["preferred_channel"] != "email"


def test_the_hourly_profile_snapshot_carries_the_withdrawal(
        withdrawn: tuple[Path, str, Path]) -> None:
    lake, customer, _ = withdrawn
    profile = latest_profiles(lake)[customer]
    assert (profile["consent_email"], profile["contactable_email"]) == (False, False)


def test_no_other_customers_marketing_flags_change(withdrawn: tuple[Path, str, Path]) -> None:
    lake, customer, before = withdrawn
    was, now = _marketing(before), _marketing(lake)
    changed = sorted(c for c in was if c != customer and c in now
                     and {f: was[c][f] for f in FLAGS} != {f: now[c][f] for f in FLAGS})
    assert changed == []
