"""The committed Step Functions definitions pass a real ASL validator and run in the emulator."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from harness import Emulator

from c360.orchestration import asl
from c360.resources import repo_root

from .aws import create_state_machine, run_execution

VALIDATOR = repo_root() / "tools" / "asl" / "node_modules" / ".bin" / "asl-validator"
DEFINITIONS = sorted((repo_root() / "stepfunctions").glob("*.asl.json"))


def dummy_values() -> dict[str, str]:
    """Placeholder values shaped like what Terraform passes (ARNs where ARNs go)."""
    def value(name: str) -> str:
        if name.startswith("lambda_"):
            return f"arn:aws:lambda:us-east-1:123456789012:function:c360-{name[7:-4]}"
        if name == "alerts_topic_arn":
            return "arn:aws:sns:us-east-1:123456789012:c360-alerts"
        if name.endswith("_arn"):
            return f"arn:aws:iam::123456789012:role/c360-{name}"
        return f"c360-{name.replace('_', '-')}"
    return {name: value(name) for name in asl.PLACEHOLDERS}


def test_there_is_one_definition_per_schedule() -> None:
    assert [p.name for p in DEFINITIONS] == ["daily.asl.json", "hourly.asl.json",
                                             "weekly.asl.json"]


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_definition_passes_asl_validator(path: Path, tmp_path: Path) -> None:
    assert VALIDATOR.exists(), "asl-validator missing: run `make setup` (npm ci in tools/asl)"
    assert shutil.which("node"), "node is needed to run asl-validator"
    rendered = tmp_path / path.name
    rendered.write_text(asl.render(path.read_text(encoding="utf-8"), dummy_values()))
    done = subprocess.run([str(VALIDATOR), "--json-path", str(rendered)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.emulator
@pytest.mark.xdist_group("emulator")
@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_emulator_accepts_definition(emulator: Emulator, path: Path) -> None:
    client = emulator.client("stepfunctions")
    name = f"{path.name.split('.')[0]}-{uuid.uuid4().hex[:8]}"
    arn = client.create_state_machine(
        name=name, definition=asl.render(path.read_text(encoding="utf-8"), dummy_values()),
        roleArn="arn:aws:iam::123456789012:role/c360-sfn")["stateMachineArn"]
    assert client.describe_state_machine(stateMachineArn=arn)["status"] == "ACTIVE"


@pytest.mark.emulator
@pytest.mark.xdist_group("emulator")
def test_athena_statement_template_renders_to_the_sql_with_the_logical_date(
        emulator: Emulator) -> None:
    """The States.Format template of an Athena step yields exactly the statement."""
    delete, insert = asl.athena_statements("c360_customer_profile")
    values = {"analytics_database": "c360_analytics", "stage_database": "c360_stage"}
    definition = {"StartAt": "Render", "States": {"Render": {
        "Type": "Pass", "End": True,
        "Parameters": {"delete.$": asl._format_call(delete), "insert.$": asl._format_call(insert)},
    }}}
    machine = create_state_machine(emulator, f"render-{uuid.uuid4().hex[:8]}", definition, values)

    done = run_execution(emulator, machine, f"render-{uuid.uuid4().hex[:8]}",
                         {"logical_date": "2026-11-25", "quote": "'"})

    output = json.loads(done["output"])
    expected = {k: asl.render(v.replace("@@c360:logical_date@@", "2026-11-25"), values)
                for k, v in (("delete", delete), ("insert", insert))}
    assert output == expected
