"""Conform: typed stage rows, one quarantine reason per broken rule, reconciliation."""

from __future__ import annotations

from pathlib import Path

import pytest

from c360.conform.run import conform_dataset
from c360.contracts import load_contract

CONTRACT = """
dataset: bank_people
source: bank
entity: people
grain: one row per person_id (newest updated_at wins)
raw: {format: csv, path: bank/people}
keys: [person_id]
order_by: [updated_at desc]
columns:
  - {name: person_id, type: bigint, nullable: false}
  - {name: email, type: string, normalize: lower, checks: {pattern: '^[^@]+@[^@]+$'}}
  - {name: phone, type: string, normalize: digits}
  - {name: birth_date, type: date, checks: {min: '1900-01-01'}}
  - {name: segment, type: string, checks: {allowed_values: [retail, private]}}
  - {name: balance, type: 'decimal(18,2)', checks: {min: 0, max: 1000000}}
  - {name: updated_at, type: timestamp, nullable: false}
"""
HEADER = "person_id,email,phone,birth_date,segment,balance,updated_at"


def conform(tmp_path: Path, engine, rows: list[str]):
    contract_path = tmp_path / "bank_people.yaml"
    contract_path.write_text(CONTRACT)
    contract = load_contract(contract_path)
    raw = tmp_path / "raw" / "people.csv"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text("\n".join([HEADER, *rows]) + "\n")
    result = conform_dataset(engine, contract, [str(raw)])
    stage = engine.query("select * from stg_bank_people order by person_id").to_pylist()
    quarantine = engine.query(
        "select person_id, _reason from quarantine_bank_people order by person_id, _reason"
    ).to_pylist()
    return result, stage, quarantine


def test_good_row_is_typed_and_normalized(tmp_path, engine) -> None:
    _, stage, quarantine = conform(tmp_path, engine, [
        '7, Ann@Example.COM ,(555) 201-3344,1980-02-29,retail,1234.50,2026-11-20T08:15:00Z',
    ])
    assert quarantine == []
    row = stage[0]
    assert (row["person_id"], row["email"], row["phone"], str(row["birth_date"]),
            str(row["balance"]), str(row["updated_at"])) == (
        7, "ann@example.com", "5552013344", "1980-02-29", "1234.50", "2026-11-20 08:15:00+00:00")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (",a@b.c,1,1980-01-01,retail,1,2026-11-20 00:00:00", "person_id: required"),
        ("x1,a@b.c,1,1980-01-01,retail,1,2026-11-20 00:00:00", "person_id: not a valid bigint"),
        ("1,not-an-email,1,1980-01-01,retail,1,2026-11-20 00:00:00",
         "email: does not match pattern"),
        ("1,a@b.c,1,1980-13-01,retail,1,2026-11-20 00:00:00", "birth_date: not a valid date"),
        ("1,a@b.c,1,1899-12-31,retail,1,2026-11-20 00:00:00",
         "birth_date: below minimum 1900-01-01"),
        ("1,a@b.c,1,1980-01-01,gold,1,2026-11-20 00:00:00", "segment: not an allowed value"),
        ("1,a@b.c,1,1980-01-01,retail,-5,2026-11-20 00:00:00", "balance: below minimum 0"),
        ("1,a@b.c,1,1980-01-01,retail,2000000,2026-11-20 00:00:00",
         "balance: above maximum 1000000"),
        ("1,a@b.c,1,1980-01-01,retail,12abc,2026-11-20 00:00:00",
         "balance: not a valid decimal(18,2)"),
        ("1,a@b.c,1,1980-01-01,retail,1,", "updated_at: required"),
    ],
)
def test_each_broken_rule_quarantines_the_row_with_its_reason(tmp_path, engine, row, reason):
    result, stage, quarantine = conform(tmp_path, engine, [row])
    assert stage == []
    assert [q["_reason"] for q in quarantine] == [reason]
    assert (result.rows_in, result.rows_staged, result.rows_quarantined) == (1, 0, 1)


def test_every_failed_rule_of_a_row_is_listed(tmp_path, engine) -> None:
    _, _, quarantine = conform(tmp_path, engine, ["1,bad,1,1980-01-01,gold,-1,2026-11-20 00:00:00"])
    assert quarantine[0]["_reason"] == (
        "email: does not match pattern; segment: not an allowed value; balance: below minimum 0"
    )


def test_newest_record_per_key_is_staged_and_older_one_quarantined_as_duplicate(
    tmp_path, engine
) -> None:
    result, stage, quarantine = conform(tmp_path, engine, [
        "1,old@b.c,1,1980-01-01,retail,1,2026-11-01 00:00:00",
        "1,new@b.c,1,1980-01-01,retail,1,2026-11-20 00:00:00",
        "2,x@b.c,1,1980-01-01,private,1,2026-11-20 00:00:00",
    ])
    assert [(r["person_id"], r["email"]) for r in stage] == [(1, "new@b.c"), (2, "x@b.c")]
    assert quarantine == [{
        "person_id": "1",
        "_reason": "duplicate: a record with the same person_id ranks first by updated_at desc, "
                   "the other columns",
    }]
    assert result.reconciles and (result.rows_in, result.rows_staged) == (3, 2)


def test_identical_duplicates_keep_exactly_one_row(tmp_path, engine) -> None:
    row = "1,a@b.c,1,1980-01-01,retail,1,2026-11-20 00:00:00"
    result, stage, quarantine = conform(tmp_path, engine, [row, row])
    assert (len(stage), len(quarantine), result.rows_in) == (1, 1, 2)
