"""Right to erasure, end to end: erase a person by email, let their data arrive again.

Given the demo's lake (300 persons, one daily run) and its profiles loaded into
DynamoDB (the emulator): `c360 erase --email ...`, then the next day's delivery
— which still holds the person in every source, plus a fresh CRM change — is run
through the pipeline and loaded again. A second lake gets the same delivery
without the erasure, as the control.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    DAY2,
    Demo,
    c360,
    change_crm_record,
    copy_lake,
    customer_ids_of,
    latest_profiles,
    next_delivery,
    source_records,
    well_known_person,
)
from pii import Person, scan_files, scan_text

pytestmark = [pytest.mark.slow, pytest.mark.emulator, pytest.mark.xdist_group("demo-lake")]

REQUESTED_BY = "dpo-ticket-4711"


@dataclass(frozen=True)
class Erasure:
    person: Person
    customer_ids: set[str]
    lake: Path
    control: Path
    profiles_before: dict[str, dict[str, Any]]
    profiles_after_erase: dict[str, dict[str, Any]]
    erase_output: str
    erase_code: int
    items: list[dict[str, Any]]
    """Every DynamoDB item after the erasure and the next day's load."""


def _load_dynamodb(client: Any, table: str, lake: Path) -> None:
    """What the daily `load_profiles` job does: the latest snapshot into the table."""
    from c360.serving.loader import load_profiles
    from c360.serving.source import read_profiles

    load_profiles(table, read_profiles(str(lake / "analytics" / "c360_customer_profile")), client)


def _all_items(client: Any, table: str) -> list[dict[str, Any]]:
    pages = client.get_paginator("scan").paginate(TableName=table)
    return [item for page in pages for item in page["Items"]]


@pytest.fixture(scope="module")
def erasure(demo: Demo, emulator, tmp_path_factory: pytest.TempPathFactory) -> Erasure:  # noqa: ANN001
    from c360.serving.keys import table_definition

    work = tmp_path_factory.mktemp("erasure")
    lake = copy_lake(demo.lake, work / "lake")
    person = well_known_person(demo.sources)
    records = source_records(demo.sources, person.person_id)
    customer_ids = customer_ids_of(lake, records)
    before = latest_profiles(lake)

    client = emulator.client("dynamodb")
    table = f"c360-erasure-{work.name[-8:]}"
    client.create_table(**table_definition(table))
    _load_dynamodb(client, table, lake)

    erased = c360("erase", "--email", person.emails[0].upper(), "--requested-by", REQUESTED_BY,
                  "--profiles-table", table, lake=lake, **emulator.env())
    after_erase = latest_profiles(lake)

    sources2 = next_delivery(demo.sources, work / "sources-day2")
    crm_id = next(key for system, key in records if system == "crm")
    change_crm_record(sources2, crm_id, "2026-11-26T09:30:00Z", occupation="Pilot")
    for target in (lake, copy_lake(demo.lake, work / "control")):
        done = c360("run", "--sources", str(sources2), "--logical-date", DAY2.isoformat(),
                    lake=target)
        assert done.returncode == 0, done.stderr[-3000:]
    _load_dynamodb(client, table, lake)
    return Erasure(person, customer_ids, lake, work / "control", before, after_erase,
                   erased.stdout + erased.stderr, erased.returncode, _all_items(client, table))


def test_erase_reports_what_it_changed_in_every_layer(erasure: Erasure) -> None:
    assert erasure.erase_code == 0, erasure.erase_output
    lines = {line.split("│")[1].strip(): line for line in erasure.erase_output.splitlines()
             if line.count("│") >= 5}
    for layer in ("RAW", "STAGE (stg_, quarantine_, int_, registry)", "ANALYTICS", "SANDBOX",
                  "DynamoDB profiles"):
        removed = int(lines[layer].split("│")[4].strip().replace(",", ""))
        assert removed > 0, lines[layer]


def test_no_file_of_the_lake_holds_the_erased_persons_data(erasure: Erasure) -> None:
    needles = erasure.person.needles() | {erasure.person.last_name.lower(): "last name"}
    assert scan_files(erasure.lake, needles) == []


def test_no_dynamodb_item_holds_the_erased_person(erasure: Erasure) -> None:
    person = erasure.person
    text = json.dumps(erasure.items)
    assert scan_text(text, person.needles() | {person.last_name.lower(): "last name"}) == []
    assert not [i for i in erasure.items if i.get("customer_id", {}).get("S")
                in erasure.customer_ids]
    assert len(erasure.items) > 250  # everyone else is still served


def test_erasure_leaves_every_other_profile_as_it_was(erasure: Erasure) -> None:
    expected = {k: v for k, v in erasure.profiles_before.items() if k not in erasure.customer_ids}
    assert erasure.customer_ids and erasure.customer_ids <= set(erasure.profiles_before)
    assert erasure.profiles_after_erase == expected


def test_next_delivery_gives_every_other_person_the_profile_a_lake_without_erasure_has(
        erasure: Erasure) -> None:
    control = latest_profiles(erasure.control)
    assert set(control) - set(latest_profiles(erasure.lake)) == erasure.customer_ids
    expected = {k: v for k, v in control.items() if k not in erasure.customer_ids}
    assert latest_profiles(erasure.lake) == expected


def test_raw_rewrites_are_audited_with_who_when_and_checksums(erasure: Erasure) -> None:
    raw = erasure.lake / "raw"
    (audit_file,) = (raw / "_erasure" / "audit").glob("*.json")
    audit = json.loads(audit_file.read_text())
    assert audit["requested_by"] == REQUESTED_BY
    assert audit["requested_at"] <= audit["performed_at"]
    rewritten = [c for c in audit["changes"] if c["layer"] == "raw"]
    assert {c["target"].split("/")[0] for c in rewritten} >= {
        "crm", "core_banking", "mainframe", "call_center", "clickstream"}
    for change in rewritten:
        now = hashlib.sha256((raw / change["target"]).read_bytes()).hexdigest()
        assert change["sha256_after"] == now != change["sha256_before"]
        assert 0 < change["removed"] <= change["records"]


def test_the_persons_next_delivery_is_dropped_at_the_door_of_raw(erasure: Erasure) -> None:
    manifests = [json.loads(p.read_text()) for p in (erasure.lake / "raw").rglob("_manifest.json")
                 if "ingest_date=2026-11-26" in str(p)]
    dropped = {m["dataset"] for m in manifests for f in m["files"] for note in f.get("notes", [])
               if "of erased persons dropped" in note}
    assert {"crm_customers", "mainframe_loyalty", "mainframe_cards"} <= dropped


def test_ledger_records_the_request_as_keyed_hashes_only(erasure: Erasure) -> None:
    ledger = erasure.lake / "raw" / "_erasure"
    (request_file,) = (ledger / "requests").glob("*.json")
    request = json.loads(request_file.read_text())
    assert request["selector"] == "email" and request["requested_by"] == REQUESTED_BY
    assert {"email", "national_id", "phone", "customer_id", "crm_customer_id"} <= set(
        request["hashes"])
    assert scan_files(ledger, erasure.person.needles()) == []
    assert (ledger / "done" / request_file.name).is_file()


def test_erase_report_and_logs_name_nobody(erasure: Erasure) -> None:
    assert scan_text(erasure.erase_output, erasure.person.needles()) == []
