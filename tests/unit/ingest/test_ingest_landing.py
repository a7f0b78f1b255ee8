"""Landing: one manifest per delivery, RAW never rewritten, S3 and a local folder alike."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date
from pathlib import Path

import boto3
import pytest
from files_testkit import cards_text, write
from moto import mock_aws

from c360.ingest.checkpoints import Checkpoints
from c360.ingest.landing import Ledger, land, land_files
from c360.ingest.store import LocalStore, S3Store

DAY = date(2026, 11, 25)


def _file(tmp_path: Path, name: str, text: str) -> Path:
    return write(tmp_path / "in" / name, text)


def test_delivery_lands_under_date_and_run_with_a_manifest_of_rows_bytes_and_sha256(tmp_path):
    source = _file(tmp_path, "contacts_20261114.csv", "contact_id\nCT1\nCT2\n")
    report = land_files("call_center_contacts", [(source, "contacts_20261114.csv")],
                        tmp_path / "raw", "call_center/contacts", DAY, "daily-2026-11-25")
    folder = tmp_path / "raw/call_center/contacts/ingest_date=2026-11-25/run_id=daily-2026-11-25"
    manifest = json.loads((folder / "_manifest.json").read_text())
    data = source.read_bytes()
    assert manifest["files"] == [{
        "source": "contacts_20261114.csv",
        "path": "call_center/contacts/ingest_date=2026-11-25/run_id=daily-2026-11-25/"
                "contacts_20261114.csv",
        "rows": 3, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "notes": []}]
    assert (folder / "contacts_20261114.csv").read_bytes() == data
    assert report.delivery == str(folder.relative_to(tmp_path / "raw"))


def test_a_second_delivery_in_the_same_run_lands_beside_the_first_never_over_it(tmp_path):
    first = _file(tmp_path, "a.csv", "contact_id\nCT1\n")
    second = _file(tmp_path, "b.csv", "contact_id\nCT2\n")
    raw = tmp_path / "raw"
    land_files("call_center_contacts", [(first, "a.csv")], raw, "call_center/contacts", DAY, "r")
    before = sorted(p.read_bytes() for p in (raw / "call_center").rglob("*") if p.is_file())
    report = land_files("call_center_contacts", [(second, "b.csv")], raw, "call_center/contacts",
                        DAY, "r")
    assert report.delivery.endswith("run_id=r.2")
    first_folder = raw / "call_center/contacts/ingest_date=2026-11-25/run_id=r"
    assert sorted(p.read_bytes() for p in first_folder.iterdir()) == before


def test_crash_between_manifest_and_ledger_makes_the_rerun_a_recorded_duplicate(tmp_path):
    source = _file(tmp_path, "a.csv", "contact_id\nCT1\n")
    raw = tmp_path / "raw"
    land_files("call_center_contacts", [(source, "a.csv")], raw, "call_center/contacts", DAY, "r")
    for entry in (raw / "_ledger/call_center_contacts").iterdir():
        entry.unlink()  # as if the process died right after publishing the delivery
    again = land_files("call_center_contacts", [(source, "a.csv")], raw, "call_center/contacts",
                       DAY, "r")
    assert not again.landed
    assert again.skipped[0]["reason"].startswith("duplicate delivery")
    assert len(list((raw / "call_center").rglob("a.csv"))) == 1


def test_an_unfinished_attempt_without_manifest_is_replaced(tmp_path):
    raw = tmp_path / "raw"
    leftover = raw / "call_center/contacts/ingest_date=2026-11-25/run_id=r/half-written.csv"
    write(leftover, "contact_id\nCT9")
    source = _file(tmp_path, "a.csv", "contact_id\nCT1\n")
    report = land_files("call_center_contacts", [(source, "a.csv")], raw, "call_center/contacts",
                        DAY, "r")
    folder = leftover.parent
    assert report.delivery.endswith("run_id=r")
    assert sorted(p.name for p in folder.iterdir()) == ["_manifest.json", "a.csv"]


def test_ledger_knows_landed_and_quarantined_files(tmp_path):
    source = _file(tmp_path, "a.csv", "contact_id\nCT1\n")
    land_files("call_center_contacts", [(source, "a.csv")], tmp_path / "raw",
               "call_center/contacts", DAY, "r")
    entries = Ledger(tmp_path / "raw", "call_center_contacts").entries()
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert entries[digest]["status"] == "landed" and entries[digest]["run_id"] == "r"


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="c360-raw")
        yield client


def test_s3_delivery_writes_data_then_manifest_and_a_ledger_entry(tmp_path, s3):
    source = write(tmp_path / "cards_20261125.csv", cards_text())
    store = S3Store(s3, "c360-raw")
    report = land(store, "mainframe_cards", [(source, "cards_20261125.csv")], "mainframe/cards",
                  DAY, "daily-2026-11-25")
    keys = store.list("")
    prefix = "mainframe/cards/ingest_date=2026-11-25/run_id=daily-2026-11-25"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert keys == sorted([f"{prefix}/_manifest.json", f"{prefix}/cards_20261125.csv",
                           f"_ledger/mainframe_cards/{digest}.json"])
    manifest = json.loads(store.read(f"{prefix}/_manifest.json"))
    assert manifest["files"][0]["sha256"] == digest and report.rows == 6


def test_s3_delivery_clears_objects_of_an_attempt_that_never_committed(tmp_path, s3):
    store = S3Store(s3, "c360-raw")
    store.write("crm/customers/ingest_date=2026-11-25/run_id=r/part-old.jsonl.gz", b"half")
    source = tmp_path / "part.jsonl.gz"
    source.write_bytes(gzip.compress(b'{"id": "CRM-0000001"}\n', mtime=0))
    land(store, "crm_customers", [(source, "part-new.jsonl.gz")], "crm/customers", DAY, "r")
    assert store.list("crm/customers") == [
        "crm/customers/ingest_date=2026-11-25/run_id=r/_manifest.json",
        "crm/customers/ingest_date=2026-11-25/run_id=r/part-new.jsonl.gz"]


def test_checkpoints_round_trip_through_s3(s3):
    checkpoints = Checkpoints(S3Store(s3, "c360-raw"))
    checkpoints.put("crm_customers", {"updated_at": "2026-11-24T23:00:00Z", "id": "CRM-0000273"})
    assert checkpoints.get("crm_customers") == {"updated_at": "2026-11-24T23:00:00Z",
                                                "id": "CRM-0000273"}
    assert s3.get_object(Bucket="c360-raw", Key="_checkpoints/crm_customers.json")


def test_local_store_write_is_atomic_and_lists_only_finished_objects(tmp_path):
    store = LocalStore(tmp_path)
    store.write("_checkpoints/x.json", b"{}")
    (tmp_path / "_checkpoints/.tmp-y.json-abcd").write_bytes(b"partial")
    assert store.list("_checkpoints") == ["_checkpoints/x.json"]
    assert store.read("_checkpoints/missing.json") is None
