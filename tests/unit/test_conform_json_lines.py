"""JSON-lines conform: which lines are records, and what a record of another shape gives.

The same on both engines: Spark parses each line once and asks the validity test only
of the lines its parser could not read as the contract's shape; DuckDB tests each line.
"""

from __future__ import annotations

from pathlib import Path

from c360.conform.run import conform_dataset, raw_files
from c360.contracts import load_contract

CONTRACT = """
dataset: app_logins
source: app
entity: logins
grain: one row per login_id
raw: {format: jsonl, path: app/logins}
keys: [login_id]
order_by: [logged_at desc]
columns:
  - {name: login_id, type: string, nullable: false}
  - {name: logged_at, type: timestamp, nullable: false}
  - {name: consent_email, type: boolean, source: consent.email}
"""

LINES = [
    '{"login_id": "l1", "logged_at": "2026-11-25T08:00:00Z", "consent": {"email": true}}',
    # Cut off mid-write: not JSON.
    '{"login_id": "l2", "logged_at":',
    # JSON, but `consent` is not an object: the record stands, its consent is unknown.
    '{"login_id": "l3", "logged_at": "2026-11-25T09:00:00Z", "consent": "yes"}',
    # JSON that is not an object: no field can be read from it.
    "42",
    '[{"login_id": "l5", "logged_at": "2026-11-25T10:00:00Z"}]',
    "null",
]


def conformed(tmp_path: Path, engine):
    contract_file = tmp_path / "app_logins.yaml"
    contract_file.write_text(CONTRACT)
    contract = load_contract(contract_file)
    root = Path(engine.lake.root)
    folder = root / "raw" / "app" / "logins" / "ingest_date=2026-11-25" / "run_id=daily-2026-11-25"
    folder.mkdir(parents=True)
    (folder / "logins.jsonl").write_text("\n".join(LINES) + "\n")
    result = conform_dataset(engine, contract, raw_files(contract, root / "raw"))
    stage = engine.query("select login_id, consent_email from stg_app_logins order by login_id")
    rejected = engine.query("select login_id, _reason from quarantine_app_logins "
                            "order by _reason, login_id")
    return result, stage.to_pylist(), [(r["login_id"], r["_reason"]) for r in rejected.to_pylist()]


def test_a_record_of_another_shape_is_read_as_far_as_it_goes(tmp_path, engine) -> None:
    result, stage, rejected = conformed(tmp_path, engine)
    assert stage == [{"login_id": "l1", "consent_email": True},
                     {"login_id": "l3", "consent_email": None}]
    assert rejected == [
        (None, "login_id: required; logged_at: required"),
        (None, "login_id: required; logged_at: required"),
        (None, "login_id: required; logged_at: required"),
        (None, "record: invalid JSON"),
    ]
    assert (result.rows_in, result.rows_staged, result.rows_quarantined) == (6, 2, 4)
