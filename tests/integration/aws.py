"""Deploying the built artifacts to the emulator the way Terraform does, and watching runs.

Only public AWS APIs (boto3 against `emulator.endpoint`), so the same code runs
against moto or LocalStack.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from harness import ACCOUNT_ID, Emulator

from c360.build import build
from c360.orchestration import asl
from c360.serving.keys import table_definition

VERSION = "0.1.0+test"
ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/c360-test"


@dataclass(frozen=True)
class Artifacts:
    root: Path

    def lambda_zip(self, name: str) -> bytes:
        return (self.root / "lambdas" / f"{name}.zip").read_bytes()

    @property
    def wheel(self) -> Path:
        (wheel,) = sorted((self.root / "wheel").glob("c360-*.whl"))
        return wheel

    @property
    def glue_shell_wheel(self) -> Path:
        """What the Glue Python shell jobs get in --extra-py-files (Python 3.9)."""
        (wheel,) = sorted((self.root / "wheel").glob("c360_glue_shell-*.whl"))
        return wheel

    def glue_script(self, name: str) -> Path:
        return self.root / "jobs" / "glue" / f"{name}.py"


def build_artifacts(out: Path) -> Artifacts:
    build(VERSION, out)
    return Artifacts(out)


def create_bucket(emulator: Emulator, name: str) -> str:
    emulator.client("s3").create_bucket(Bucket=name)
    return name


def ensure_role(emulator: Emulator) -> str:
    """The one test role (Lambda, Glue, Step Functions may assume it)."""
    iam = emulator.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"Service": ["lambda.amazonaws.com", "glue.amazonaws.com",
                                  "states.amazonaws.com"]}}]}
    try:
        return str(iam.get_role(RoleName=ROLE.rsplit("/", 1)[-1])["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        return str(iam.create_role(RoleName=ROLE.rsplit("/", 1)[-1],
                                   AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])


def deploy_lambda(emulator: Emulator, name: str, zip_bytes: bytes,
                  env: Mapping[str, str] | None = None, timeout: int = 60) -> str:
    """Create the function from its built zip; returns its ARN."""
    answer = emulator.client("lambda").create_function(
        FunctionName=name, Runtime="python3.11", Role=ensure_role(emulator),
        Handler="handler.handler",
        Code={"ZipFile": zip_bytes}, Timeout=timeout, MemorySize=512,
        Environment={"Variables": dict(env or {})},
    )
    return str(answer["FunctionArn"])


def create_profiles_table(emulator: Emulator, name: str) -> str:
    emulator.client("dynamodb").create_table(**table_definition(name))
    return name


def put_profile_export(emulator: Emulator, bucket: str, execution: str, step: str,
                       snapshot: str, rows: list[dict[str, Any]]) -> str:
    """The day's profile snapshot where the state machine's Athena UNLOAD writes it for
    `step` in execution `execution` (`c360.orchestration.asl`, *Exports*), as Athena
    writes it: under `snapshot_date=<snapshot>/`, without the partition column, in a
    file named after a query, with no `.parquet` suffix (the reader must not need one).
    The emulator runs no SQL, so the test puts it there."""
    sink = io.BytesIO()
    table = pa.Table.from_pylist(rows)
    if "snapshot_date" in table.column_names:
        table = table.drop_columns(["snapshot_date"])
    pq.write_table(table, sink, compression="snappy")
    key = (f"_exports/{execution}/{step}/c360_customer_profile/snapshot_date={snapshot}/"
           "20261125_031500_00042_x7k2p_0")
    emulator.client("s3").put_object(Bucket=bucket, Key=key, Body=sink.getvalue())
    return key


def all_items(emulator: Emulator, table: str) -> list[dict[str, Any]]:
    client = emulator.client("dynamodb")
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table}
    while True:
        page = client.scan(**kwargs)
        found.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return sorted(found, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def create_state_machine(emulator: Emulator, name: str, definition: Mapping[str, Any],
                         values: Mapping[str, str]) -> str:
    """Render the generated definition's placeholders (as templatefile does) and create it."""
    text = asl.render(asl.to_json(definition), values)
    answer = emulator.client("stepfunctions").create_state_machine(
        name=name, definition=text, roleArn=ROLE)
    return str(answer["stateMachineArn"])


def run_execution(emulator: Emulator, machine_arn: str, name: str, payload: Mapping[str, Any],
                  timeout: float = 120.0) -> dict[str, Any]:
    """Start one execution (a unique name, as moto needs) and wait until it ends."""
    client = emulator.client("stepfunctions")
    arn = client.start_execution(stateMachineArn=machine_arn, name=name,
                                 input=json.dumps(payload))["executionArn"]
    deadline = time.monotonic() + timeout
    while True:
        described = client.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING":
            return described
        if time.monotonic() > deadline:
            raise TimeoutError(f"execution {name} still RUNNING after {timeout:.0f} s")
        time.sleep(0.3)


def entered_states(emulator: Emulator, execution_arn: str) -> list[str]:
    """Names of the states the execution entered, in order."""
    client = emulator.client("stepfunctions")
    events: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"executionArn": execution_arn}
    while True:
        page = client.get_execution_history(**kwargs)
        events.extend(page["events"])
        if not page.get("nextToken"):
            break
        kwargs["nextToken"] = page["nextToken"]
    return [e["stateEnteredEventDetails"]["name"] for e in events
            if "stateEnteredEventDetails" in e]
