"""Contracts: the project's contracts load; bad ones fail naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from c360.contracts import ContractError, load_contract, load_contracts

GOOD = """
dataset: demo_people
source: demo
entity: people
grain: one row per person_id
raw: {format: csv, path: demo/people}
keys: [person_id]
columns:
  - {name: person_id, type: bigint, nullable: false}
  - {name: email, type: string, pii: direct}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "demo_people.yaml"
    path.write_text(text)
    return path


def test_every_project_contract_loads_with_stage_and_quarantine_names() -> None:
    contracts = load_contracts()
    assert sorted(contracts) == [
        "call_center_contacts", "clickstream_events", "core_banking_accounts",
        "core_banking_customers", "core_banking_products", "core_banking_transactions",
        "crm_customers", "mainframe_cards", "mainframe_loyalty",
    ]
    crm = contracts["crm_customers"]
    assert (crm.raw_table, crm.stage_table, crm.quarantine_table) == (
        "raw_crm_customers", "stg_crm_customers", "quarantine_crm_customers")


def test_contract_lists_its_pii_columns(tmp_path: Path) -> None:
    contract = load_contract(write(tmp_path, GOOD))
    assert [c.name for c in contract.pii_columns] == ["email"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("type: bigint", "type: bigfloat"), "field 'columns[person_id].type' has unknown type"),
        (("format: csv", "format: xml"), "field 'raw.format' must be one of"),
        (("keys: [person_id]", "keys: [id]"), "field 'keys' names unknown column 'id'"),
        (("pii: direct", "pii: secret"), "field 'columns[email].pii' must be one of"),
        (("grain: one row per person_id\n", ""), "missing required field 'grain'"),
        (("dataset: demo_people", "dataset: other_people"), "field 'dataset' must equal"),
    ],
)
def test_bad_contract_error_names_file_and_field(tmp_path: Path, change, message) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ContractError) as info:
        load_contract(path)
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)


def test_invalid_yaml_is_reported_with_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "dataset: [unclosed")
    with pytest.raises(ContractError, match="invalid YAML"):
        load_contract(path)
