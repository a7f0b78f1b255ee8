"""Erasure at the file level: the ledger (keyed hashes only) and RAW rewrites per format."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from c360.contracts import Contract, load_contracts
from c360.ingest.landing import land
from c360.ingest.store import LocalStore
from c360.ingest.validate import check_file
from c360.privacy.ledger import ErasureLedger, ErasureRequest, Matcher
from c360.privacy.raw import redact

ERASED = {"email": ["teresayoung@live.com"], "national_id": ["219-56-1344"],
          "phone": ["7184409381"], "crm_customer_id": ["CRM-0000005"],
          "customer_number": ["1000005"], "member_number": ["1254555625"]}


@pytest.fixture(scope="module")
def contracts() -> dict[str, Contract]:
    return load_contracts()


@pytest.fixture
def raw_store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "raw")


@pytest.fixture
def matcher(raw_store: LocalStore) -> Matcher:
    ledger = ErasureLedger(raw_store)
    ledger.record(ErasureRequest("erase-1", "2026-11-26T10:00:00+00:00", "dpo-ticket-7", "email",
                                 ledger.hash_identifiers(ERASED)))
    found = ledger.matcher()
    assert found is not None
    return found


# -- the ledger ------------------------------------------------------------------------


def test_ledger_stores_keyed_hashes_and_never_an_identifier(raw_store: LocalStore,
                                                          matcher: Matcher) -> None:
    stored = b"".join(raw_store.read(k) or b"" for k in raw_store.list("_erasure")).lower()
    for values in ERASED.values():
        for value in values:
            assert value.lower().encode() not in stored
    request = ErasureLedger(raw_store).requests()[0]
    assert request.requested_by == "dpo-ticket-7"
    assert all(len(h) == 64 for hashes in request.hashes.values() for h in hashes)


def test_ledger_key_is_made_once_and_hashes_depend_on_it(tmp_path: Path) -> None:
    first = ErasureLedger(LocalStore(tmp_path / "a"))
    second = ErasureLedger(LocalStore(tmp_path / "b"))
    hashed = first.hash_identifiers({"email": ["a@b.com"]})
    assert first.hash_identifiers({"email": ["a@b.com"]}) == hashed
    assert second.hash_identifiers({"email": ["a@b.com"]}) != hashed


@pytest.mark.parametrize("value", ["+1 718-440-9381", "(718) 440 9381", "7184409381",
                                   "718.440.9381", "+17184409381", "17184409381"])
def test_matcher_knows_a_phone_in_every_format(matcher: Matcher, value: str) -> None:
    assert matcher.matches("phone", value)


def test_matcher_normalizes_email_case_and_zero_padded_numbers(matcher: Matcher) -> None:
    assert matcher.matches("email", "  TeresaYoung@Live.COM ")
    assert matcher.matches("customer_number", 1000005)
    assert matcher.matches("member_number", "01254555625")
    assert not matcher.matches("email", "someone.else@live.com")
    assert not matcher.matches("national_id", "7184409381")  # kinds never cross


def test_finding_a_request_by_identifier(raw_store: LocalStore, matcher: Matcher) -> None:
    ledger = ErasureLedger(raw_store)
    assert ledger.find("email", "TERESAYOUNG@live.com").request_id == "erase-1"  # type: ignore[union-attr]
    assert ledger.find("email", "other@live.com") is None


# -- RAW rewrites ------------------------------------------------------------------------


def _crm_line(record_id: str, email: str, national_id: str | None = None) -> str:
    return json.dumps({"id": record_id, "first_name": "Teresa", "email": email,
                       "national_id": national_id, "updated_at": "2026-11-20T08:15:00Z"}) + "\n"


def test_crm_jsonl_gz_loses_the_erased_lines_only(contracts, matcher: Matcher) -> None:
    kept = [_crm_line("CRM-0000001", "a@x.com"), "not json at all\n",
            _crm_line("CRM-0000003", "b@x.com")]
    erased = [_crm_line("CRM-0000009", "TeresaYoung@live.com"),
              _crm_line("CRM-0000005", "old.address@live.com"),
              _crm_line("CRM-0000011", None, "219-56-1344")]  # type: ignore[arg-type]
    text = kept[0] + erased[0] + kept[1] + erased[1] + erased[2] + kept[2]
    result = redact(contracts["crm_customers"], "part-00000.jsonl.gz",
                    gzip.compress(text.encode()), matcher)
    assert (result.records, result.removed) == (6, 3)
    assert gzip.decompress(result.data).decode() == "".join(kept)


def test_call_center_csv_keeps_multiline_notes_and_drops_erased_callers(contracts,
                                                                      matcher: Matcher) -> None:
    header = ('"contact_id","started_at","phone_number","caller_name","customer_number",'
              '"reason_code","duration_seconds","outcome","sentiment","agent_id","note"\n')
    mine = ('"CT000000002",2026-11-24 09:00:00,"(718) 440 9381","Teresa Young",,"FEES",60,'
            '"resolved",0.10,"AG0001","Asked about\nfees"\n')
    verified = ('"CT000000003",2026-11-24 10:00:00,,"T Young",1000005,"OTHER",30,'
                '"resolved",0.00,"AG0002",\n')
    other = ('"CT000000001",2026-11-24 08:20:01,"+1 408-725-0182","Mary Collins",1000184,'
             '"DISPUTE",336,"callback",-0.32,"AG0013","Dispute opened.\nCustomer will upload"\n')
    result = redact(contracts["call_center_contacts"], "contacts_20261124.csv",
                    (header + other + mine + verified).encode(), matcher)
    assert (result.records, result.removed) == (3, 2)
    assert result.data.decode() == header + other


def test_card_statements_lose_the_record_and_keep_valid_control_totals(
        contracts, matcher: Matcher, tmp_path: Path) -> None:
    body = ("HDR,cards,20261125,9825\n"
            "card_number_last4,card_holder_name,national_id,birth_date,credit_limit,"
            "statement_balance,minimum_due,statement_date,days_past_due\n"
            '5720,"GONZALEZ, CARRIE",392-39-1443,19591008,3000.00,1682.46,33.65,20261027,0\n'
            '1111,"YOUNG, TERESA",219-56-1344,19800101,5000.00,100.04,25.00,20261027,0\n'
            '2222,"ROSS, ANN",111-22-3333,19700101,5000.00,17.50,25.00,20261027,0\n'
            "TRL,3,1800.00\n")
    result = redact(contracts["mainframe_cards"], "cards_20261125.csv", body.encode(), matcher)
    assert result.removed == 1
    assert result.data.decode().splitlines()[-1] == "TRL,2,1699.96"
    rewritten = tmp_path / "cards_20261125.csv"
    rewritten.write_bytes(result.data)
    assert check_file(contracts["mainframe_cards"], rewritten).verdict == "land"


def _loyalty(member: str, last: str, points: int, national_id: str) -> str:
    return (f"D{member}{last:<20}{'X':<15}19800101{'10001'}{'BRONZE':<8}{points:011d}"
            f"20200101{national_id:<11}\n")


def test_loyalty_file_loses_the_member_and_keeps_a_valid_trailer(contracts, matcher: Matcher,
                                                               tmp_path: Path) -> None:
    header = f"H{'loyalty_20261125.dat':<30}20261125009825".ljust(97) + "\n"
    lines = [_loyalty("1000000001", "LLOYD", 966, "172-47-7599"),
             _loyalty("1254555625", "YOUNG", 1000, ""),           # erased by member number
             _loyalty("1000000003", "YOUNG", 50, "219-56-1344"),  # erased by national id
             _loyalty("1000000004", "KELLY", 4062, "")]
    trailer = f"T{4:09d}{966 + 1000 + 50 + 4062:015d}".ljust(97) + "\n"
    result = redact(contracts["mainframe_loyalty"], "loyalty_20261125.dat",
                    (header + "".join(lines) + trailer).encode(), matcher)
    assert result.removed == 2
    out = result.data.decode().splitlines(keepends=True)
    assert out[:3] == [header, lines[0], lines[3]]
    assert out[3] == f"T{2:09d}{966 + 4062:015d}".ljust(97) + "\n"
    rewritten = tmp_path / "loyalty_20261125.dat"
    rewritten.write_bytes(result.data)
    assert check_file(contracts["mainframe_loyalty"], rewritten).verdict == "land"


def test_core_banking_parquet_loses_the_customer_rows(contracts, matcher: Matcher) -> None:
    table = pa.table({"customer_number": ["1000004", "1000005", "1000006"],
                      "national_id": ["111-22-3333", "219-56-1344", "444-55-6666"],
                      "email": ["a@x.com", None, "b@x.com"]})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    result = redact(contracts["core_banking_customers"], "part-00000.parquet", sink.getvalue(),
                    matcher)
    assert result.removed == 1
    assert pq.read_table(pa.BufferReader(result.data)).to_pylist() == [
        {"customer_number": "1000004", "national_id": "111-22-3333", "email": "a@x.com"},
        {"customer_number": "1000006", "national_id": "444-55-6666", "email": "b@x.com"}]


def test_file_without_erased_records_keeps_its_exact_bytes(contracts, matcher: Matcher) -> None:
    data = gzip.compress(_crm_line("CRM-0000001", "a@x.com").encode(), mtime=123)
    assert redact(contracts["crm_customers"], "p.jsonl.gz", data, matcher).data == data


# -- at the door of RAW ------------------------------------------------------------------


def test_later_delivery_lands_without_the_erased_person(raw_store: LocalStore, matcher: Matcher,
                                                        tmp_path: Path) -> None:
    delivery = tmp_path / "drop" / "page.jsonl"
    delivery.parent.mkdir()
    delivery.write_text(_crm_line("CRM-0000001", "a@x.com")
                        + _crm_line("CRM-0000005", "teresayoung@live.com"))
    report = land(raw_store, "crm_customers", [(delivery, "part-00000.jsonl")], "crm/customers",
                  date(2026, 11, 26), "hourly-2026-11-26")
    landed = raw_store.read(f"{report.delivery}/part-00000.jsonl") or b""
    assert landed.decode() == _crm_line("CRM-0000001", "a@x.com")
    assert report.landed[0].rows == 1
    assert report.landed[0].notes == ("1 record(s) of erased persons dropped (erasure ledger)",)
    manifest = (raw_store.read(f"{report.delivery}/_manifest.json") or b"").decode()
    assert "teresayoung" not in manifest.lower()


def test_spark_written_delivery_is_filtered_before_its_manifest(raw_store: LocalStore,
                                                               matcher: Matcher) -> None:
    from c360.ingest.landing import LandedFile, publish_written

    prefix = "core_banking/customers/ingest_date=2026-11-26/run_id=daily-2026-11-26"
    sink = io.BytesIO()
    pq.write_table(pa.table({"customer_number": ["1000004", "1000005"],
                             "email": ["a@x.com", "TeresaYoung@live.com"]}), sink)
    raw_store.write(f"{prefix}/part-0.parquet", sink.getvalue())
    written = [LandedFile("part-0.parquet", f"{prefix}/part-0.parquet", 2, len(sink.getvalue()),
                          "sha-as-written")]
    report = publish_written(raw_store, "core_banking_customers", prefix, written,
                             date(2026, 11, 26), "daily-2026-11-26")
    stored = pq.read_table(pa.BufferReader(raw_store.read(f"{prefix}/part-0.parquet") or b""))
    assert stored["customer_number"].to_pylist() == ["1000004"]
    assert report.landed[0].rows == 1
    manifest = json.loads(raw_store.read(f"{prefix}/_manifest.json") or b"{}")
    assert manifest["files"][0]["rows"] == 1
