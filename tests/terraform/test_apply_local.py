"""`terraform apply` of envs/local on the emulator, checked with boto3, then `destroy`.

One cycle per session, shared by the tests below (they are one xdist group):
the fixture builds the artifacts into a temporary `dist/<version>/` and runs
`terraform/scripts/apply_local.py` (what `make tf-apply-local` runs): harness
emulator on 127.0.0.1 → init → bootstrap the artifacts bucket → publish →
apply → what boto3 sees → the deployed run_control Lambda invoked (`start`,
`finish`) → destroy -refresh=false → what boto3 sees → emulator stopped. Each
test checks one part of that record. Athena is on (the script
turns it on for the harness); EMR Serverless is not (see
tests/terraform/test_emulator_shims.py and docs/terraform.md). About 2½
minutes with the build, most of it the AWS provider's own waits (lifecycle
rules settle for ~55 s). A missing `terraform` fails these tests unless
C360_SKIP_TERRAFORM=1 skips them explicitly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

import c360
from c360.build import build
from c360.contracts import load_contracts

from .scripts import load_apply_local_script

pytestmark = [pytest.mark.terraform, pytest.mark.emulator, pytest.mark.slow,
              pytest.mark.xdist_group("terraform_apply_local")]

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "c360-local"
VERSION = f"{c360.__version__}+tfapply"
PLUGIN_DIR = os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins")


@dataclass
class Seen:
    """What boto3 found in the emulator at one moment (only resources named `c360-local*`)."""

    buckets: dict[str, list[str]] = field(default_factory=dict)  # bucket -> object keys
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    functions: dict[str, dict[str, Any]] = field(default_factory=dict)
    glue_jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    glue_databases: dict[str, list[str]] = field(default_factory=dict)  # database -> tables
    glue_tables: dict[str, dict[str, Any]] = field(default_factory=dict)  # "db.table" -> table
    state_machines: dict[str, str] = field(default_factory=dict)  # name -> definition
    workgroups: list[str] = field(default_factory=list)  # Athena


def look(emulator: Any) -> Seen:
    """Everything with the env's prefix in S3, DynamoDB, Lambda, Glue, Step Functions, Athena."""
    s3, ddb, lam = emulator.client("s3"), emulator.client("dynamodb"), emulator.client("lambda")
    glue, sfn = emulator.client("glue"), emulator.client("stepfunctions")
    athena = emulator.client("athena")
    ours = PREFIX.replace("-", "_")
    seen = Seen()
    for bucket in s3.list_buckets()["Buckets"]:
        if bucket["Name"].startswith(PREFIX):
            listing = s3.list_objects_v2(Bucket=bucket["Name"]).get("Contents", [])
            seen.buckets[bucket["Name"]] = sorted(obj["Key"] for obj in listing)
    for name in ddb.list_tables()["TableNames"]:
        if name.startswith(PREFIX):
            seen.tables[name] = ddb.describe_table(TableName=name)["Table"]
    for page in lam.get_paginator("list_functions").paginate():
        for fn in page["Functions"]:
            if fn["FunctionName"].startswith(PREFIX):
                seen.functions[fn["FunctionName"]] = fn
    for job in glue.get_jobs()["Jobs"]:
        if job["Name"].startswith(PREFIX):
            seen.glue_jobs[job["Name"]] = job
    for database in glue.get_databases()["DatabaseList"]:
        if database["Name"].startswith(ours):
            tables = glue.get_tables(DatabaseName=database["Name"])["TableList"]
            seen.glue_databases[database["Name"]] = sorted(t["Name"] for t in tables)
            seen.glue_tables.update({f'{database["Name"]}.{t["Name"]}': t for t in tables})
    for machine in sfn.list_state_machines()["stateMachines"]:
        if machine["name"].startswith(PREFIX):
            described = sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])
            seen.state_machines[machine["name"]] = described["definition"]
    seen.workgroups = sorted(group["Name"] for group in athena.list_work_groups()["WorkGroups"]
                             if group["Name"].startswith(PREFIX))
    return seen


RUN_CONTROL_EXECUTION = "tf-apply-local-check"
RUN_CONTROL_START = {"action": "start", "schedule": "daily",
                     "input": {"scheduled_time": "2026-11-26T03:00:00Z"},
                     "execution": RUN_CONTROL_EXECUTION}
"""What a daily state machine's first state sends (stepfunctions/daily.asl.json), as if
EventBridge Scheduler had started it at 03:00 UTC on 2026-11-26."""


@dataclass
class RunControlCalls:
    """The deployed run_control Lambda, invoked as a state machine's first and last states."""

    started: dict[str, Any] = field(default_factory=dict)  # {"error": ..., "payload": ...}
    lock_while_running: dict[str, Any] | None = None  # the run lock item after `start`
    finished: dict[str, Any] = field(default_factory=dict)
    lock_after: dict[str, Any] | None = None  # after `finish`
    failure: str = ""  # what went wrong in the harness calls themselves


def call_run_control(emulator: Any, outputs: dict[str, Any]) -> RunControlCalls:
    """`start`, read the lock item, `finish`, read it again (errors recorded, not raised:
    only the run_control test fails if the calls do)."""
    calls = RunControlCalls()
    lam, ddb = emulator.client("lambda"), emulator.client("dynamodb")
    function = outputs["lambda_function_names"]["run_control"]
    table = outputs["profiles_table_name"]
    key = {"pk": {"S": f"LOCK#{PREFIX}"}, "sk": {"S": "run"}}

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        answer = lam.invoke(FunctionName=function, Payload=json.dumps(event).encode())
        return {"error": answer.get("FunctionError"),
                "payload": json.loads(answer["Payload"].read() or b"null")}

    try:
        calls.started = invoke(RUN_CONTROL_START)
        calls.lock_while_running = ddb.get_item(TableName=table, Key=key,
                                                ConsistentRead=True).get("Item")
        run = calls.started["payload"] if not calls.started["error"] else {}
        calls.finished = invoke({"action": "finish", "outcome": "succeeded", "run": run,
                                 "execution": RUN_CONTROL_EXECUTION})
        calls.lock_after = ddb.get_item(TableName=table, Key=key,
                                        ConsistentRead=True).get("Item")
    except Exception as exc:  # noqa: BLE001 - recorded for the test that reads it
        calls.failure = f"{type(exc).__name__}: {exc}"
    return calls


@dataclass
class Cycle:
    """The record of one apply → check → destroy cycle."""

    dist: Path
    outputs: dict[str, Any]
    published: list[str]
    after_apply: Seen
    run_control: RunControlCalls
    after_destroy: Seen
    state_after_destroy: list[str]
    emulator_process: Any
    endpoint: str
    steps: list[Any]


def _require_terraform() -> None:
    if shutil.which("terraform"):
        return
    if os.environ.get("C360_SKIP_TERRAFORM") == "1":
        pytest.skip("terraform is not installed and C360_SKIP_TERRAFORM=1")
    pytest.fail("terraform is not on PATH (need >= 1.11); install it or set "
                "C360_SKIP_TERRAFORM=1 to skip the Terraform tests explicitly", pytrace=False)


@pytest.fixture(scope="session")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Cycle:
    """Build, apply, look, destroy, look, stop: once per session (per xdist group)."""
    _require_terraform()
    script = load_apply_local_script()
    dist = tmp_path_factory.mktemp("dist") / VERSION
    build(VERSION, dist)
    record: dict[str, Any] = {}

    def between(deployment: Any, emulator: Any) -> None:
        record["outputs"] = deployment.outputs()
        record["after_apply"] = look(emulator)
        record["run_control"] = call_run_control(emulator, record["outputs"])
        record["process"], record["endpoint"] = emulator.process, emulator.endpoint

    def after(deployment: Any, emulator: Any) -> None:
        record["after_destroy"] = look(emulator)

    try:
        deployment = script.run(dist, PLUGIN_DIR, between=between, after=after,
                                workdir=tmp_path_factory.mktemp("tf-local"))
    except script.ApplyLocalError as exc:
        notes = "\n".join(getattr(exc, "__notes__", []))
        pytest.fail(f"{exc}\n{notes}", pytrace=False)
    return Cycle(
        dist=dist, outputs=record["outputs"], published=deployment.published,
        after_apply=record["after_apply"], run_control=record["run_control"],
        after_destroy=record["after_destroy"],
        state_after_destroy=deployment.state(), emulator_process=record["process"],
        endpoint=record["endpoint"], steps=deployment.steps,
    )


def _b64_sha256(path: Path) -> str:
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def _named(key: str) -> str:
    """The naming convention: `<prefix>-<key with hyphens>`."""
    return f"{PREFIX}-{key.replace('_', '-')}"


# --- after apply -------------------------------------------------------------


def test_apply_creates_one_bucket_per_layer_named_prefix_layer(cycle: Cycle) -> None:
    buckets = cycle.outputs["bucket_names"]
    assert {"raw", "stage", "analytics", "sandbox", "artifacts", "logs"} <= set(buckets)
    assert buckets == {layer: f"{PREFIX}-{layer}" for layer in buckets}
    assert set(cycle.after_apply.buckets) == set(buckets.values())


def test_publish_puts_every_built_artifact_under_its_versioned_key(cycle: Cycle) -> None:
    expected = {
        "/".join([path.relative_to(cycle.dist).parts[0], VERSION,
                  *path.relative_to(cycle.dist).parts[1:]])
        for path in cycle.dist.rglob("*") if path.is_file() and path.name != "VERSION"
    }
    assert f"lambdas/{VERSION}/profile_api.zip" in expected
    assert f"wheel/{VERSION}/c360-{c360.__version__}-py3-none-any.whl" in expected
    assert set(cycle.published) == expected
    assert set(cycle.after_apply.buckets[cycle.outputs["artifacts_bucket"]]) == expected


def test_apply_deploys_every_lambda_from_its_built_zip(cycle: Cycle) -> None:
    names = cycle.outputs["lambda_function_names"]
    assert {"crm_api", "crm_ingest", "mainframe_export", "file_drop_ingest",
            "profile_api", "run_control"} <= set(names)
    assert names == {fn: _named(fn) for fn in names}
    assert set(cycle.after_apply.functions) == set(names.values())
    for fn, name in names.items():
        deployed = cycle.after_apply.functions[name]
        zip_path = cycle.dist / "lambdas" / f"{fn}.zip"
        assert deployed["CodeSha256"] == _b64_sha256(zip_path), fn
        assert deployed["CodeSize"] == zip_path.stat().st_size, fn


def test_apply_wires_lambda_environment_to_the_deployed_buckets(cycle: Cycle) -> None:
    crm_ingest = cycle.after_apply.functions[_named("crm_ingest")]
    variables = crm_ingest["Environment"]["Variables"]
    assert variables["C360_RAW_BUCKET"] == cycle.outputs["bucket_names"]["raw"]
    assert variables["C360_CRM_API_FUNCTION"] == _named("crm_api")


def test_apply_wires_run_control_to_the_run_lock_in_the_profiles_table(cycle: Cycle) -> None:
    run_control = cycle.after_apply.functions[_named("run_control")]
    assert run_control["Environment"]["Variables"] == {
        "C360_ENV": PREFIX,
        "C360_LOCKS_TABLE": cycle.outputs["profiles_table_name"],
        "C360_RUN_LEASE_SECONDS": "21600",
        "C360_LOG_LEVEL": "INFO",
    }
    assert (run_control["Handler"], run_control["Runtime"]) == ("handler.handler", "python3.11")


def test_the_deployed_run_control_takes_and_gives_back_the_environment_run_lock(
        cycle: Cycle) -> None:
    """A daily run scheduled at 2026-11-26T03:00Z is for 2026-11-25 (the day that ended);
    its lock is the item LOCK#<prefix>/run of the profiles table until `finish`."""
    calls = cycle.run_control
    assert calls.failure == ""
    assert calls.started["error"] is None, calls.started["payload"]
    assert {k: calls.started["payload"].get(k) for k in ("logical_date", "run_id")} == {
        "logical_date": "2026-11-25", "run_id": "daily-2026-11-25"}
    assert calls.lock_while_running is not None
    assert calls.lock_while_running["token"] == {"S": calls.started["payload"]["lock_token"]}
    assert calls.finished["error"] is None, calls.finished["payload"]
    assert calls.lock_after is None


def test_apply_creates_the_profiles_table_keyed_pk_sk_on_demand(cycle: Cycle) -> None:
    name = cycle.outputs["profiles_table_name"]
    assert name == f"{PREFIX}-customer-profiles"
    assert set(cycle.after_apply.tables) == {name}
    table = cycle.after_apply.tables[name]
    assert {(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]} == {
        ("pk", "HASH"), ("sk", "RANGE")}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_apply_creates_glue_jobs_running_their_versioned_scripts(cycle: Cycle) -> None:
    names = cycle.outputs["glue_job_names"]
    assert {"conform", "extract_core_banking", "load_profiles", "sandbox_export"} <= set(names)
    assert names == {job: _named(job) for job in names}
    assert set(cycle.after_apply.glue_jobs) == set(names.values())
    artifacts = cycle.outputs["artifacts_bucket"]
    for job, name in names.items():
        command = cycle.after_apply.glue_jobs[name]["Command"]
        assert command["ScriptLocation"] == f"s3://{artifacts}/jobs/{VERSION}/glue/{job}.py"


def test_apply_creates_a_glue_database_per_layer_and_stage_tables_per_contract(
        cycle: Cycle) -> None:
    databases = cycle.outputs["database_names"]
    assert databases == {layer: f"c360_local_{layer}" for layer in
                         ("raw", "stage", "analytics", "sandbox")}
    assert set(cycle.after_apply.glue_databases) == set(databases.values())
    model_stage_tables = [t for t, entry in _model_tables().items() if entry["layer"] == "stage"]
    assert cycle.after_apply.glue_databases[databases["stage"]] == sorted(
        [f"stg_{dataset}" for dataset in load_contracts()] + model_stage_tables)


def _model_tables() -> dict[str, Any]:
    manifest = json.loads((ROOT / "catalog" / "model_tables.json").read_text(encoding="utf-8"))
    return dict(manifest["tables"])


def test_apply_creates_every_model_table_in_its_layer_iceberg_where_athena_writes(
        cycle: Cycle) -> None:
    """moto marks a table created with an IcebergInput `table_type = ICEBERG`: the
    provider sent one for exactly the Athena-written tables."""
    databases = cycle.outputs["database_names"]
    found = {table: cycle.after_apply.glue_tables.get(f'{databases[entry["layer"]]}.{table}')
             for table, entry in _model_tables().items()}
    assert [t for t, glue_table in found.items() if glue_table is None] == []
    iceberg = sorted(t for t, glue_table in found.items()
                     if (glue_table or {}).get("Parameters", {}).get("table_type") == "ICEBERG")
    assert iceberg == sorted(t for t, e in _model_tables().items() if e["writer"] == "athena")


def test_apply_creates_the_state_machines_with_every_reference_deployed(cycle: Cycle) -> None:
    arns = cycle.outputs["state_machine_arns"]
    assert set(arns) == {"hourly", "daily", "weekly"}
    assert set(cycle.after_apply.state_machines) == {f"{PREFIX}-{s}" for s in arns}
    function_arns = {fn["FunctionArn"] for fn in cycle.after_apply.functions.values()}
    for name, definition in cycle.after_apply.state_machines.items():
        assert "${" not in definition, name
        parameters = _task_parameters(json.loads(definition))
        assert {p["FunctionName"] for p in parameters if "FunctionName" in p} <= function_arns
        assert {p["JobName"] for p in parameters if "JobName" in p} <= set(
            cycle.after_apply.glue_jobs)
        assert {p["WorkGroup"] for p in parameters if "WorkGroup" in p} <= set(
            cycle.after_apply.workgroups), name


def test_the_deployed_conform_job_finds_every_layer_from_the_arguments_it_is_given(
        cycle: Cycle) -> None:
    """Its default arguments plus what a state machine's run passes it, as Glue merges
    them, parsed by the job's own parser (c360.dimensions.jobs)."""
    from c360.dimensions.jobs import parse_step_args, step_name
    from c360.lake import LAYERS

    job = cycle.outputs["glue_job_names"]["conform"]
    defaults = cycle.after_apply.glue_jobs[job]["DefaultArguments"]
    daily = json.loads(cycle.after_apply.state_machines[f"{PREFIX}-daily"])
    runs = [p["Arguments"] for p in _task_parameters(daily)
            if p.get("JobName") == job and "Arguments" in p]
    state = {"logical_date": "2026-11-25", "run_id": "daily-2026-11-25"}
    buckets = cycle.outputs["bucket_names"]
    assert len(runs) == len(load_contracts())
    for arguments in runs:
        passed = {key.removesuffix(".$"): state[value[2:]] if key.endswith(".$") else value
                  for key, value in arguments.items()}
        argv = [item for pair in {**defaults, **passed}.items() for item in pair]
        args = parse_step_args(argv, "conform")
        assert args.layer_uris == {layer: f"s3://{buckets[layer]}" for layer in LAYERS}
        assert step_name(args) == f"stg_{passed['--dataset']}"


def test_apply_creates_the_athena_workgroup_the_state_machines_use(cycle: Cycle) -> None:
    assert cycle.after_apply.workgroups == [f"{PREFIX}-analytics"]


def _task_parameters(node: Any) -> list[dict[str, Any]]:
    """Every `Parameters` object of every state, nested Parallel branches included."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if isinstance(node.get("Parameters"), dict):
            found.append(node["Parameters"])
        for value in node.values():
            found.extend(_task_parameters(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_task_parameters(value))
    return found


# --- after destroy ----------------------------------------------------------------


def test_destroy_leaves_no_resource_of_the_env_in_the_emulator(cycle: Cycle) -> None:
    assert cycle.after_destroy == Seen()


def test_destroy_empties_the_terraform_state(cycle: Cycle) -> None:
    assert cycle.state_after_destroy == []


def test_the_emulator_is_stopped_after_the_cycle(cycle: Cycle) -> None:
    assert cycle.emulator_process.poll() is not None
    url = urlparse(cycle.endpoint)
    assert url.hostname == "127.0.0.1"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((url.hostname, url.port), timeout=2).close()
