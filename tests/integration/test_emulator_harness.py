"""The emulator harness itself: loopback only, stops cleanly, the Terraform shims answer."""

from __future__ import annotations

import json
import socket
import time

import pytest
from harness import Emulator, start_emulator

from .aws import create_state_machine, run_execution

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("emulator")]

MINIMAL_ASL = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


def _listening_addresses(pid: int) -> set[str]:
    """Local addresses of the LISTEN sockets the process owns (from /proc)."""
    inodes = set()
    for fd in __import__("pathlib").Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                found.add(fields[1].split(":")[0])
    return found


def _moto_only(emulator: Emulator) -> None:
    if not emulator.is_moto:
        pytest.skip("checks the harness's own moto process (the emulator here is external)")


def test_emulator_listens_on_127_0_0_1_only(emulator: Emulator) -> None:
    _moto_only(emulator)
    assert emulator.endpoint.startswith("http://127.0.0.1:")
    assert emulator.process is not None
    assert _listening_addresses(emulator.process.pid) == {"0100007F"}  # 127.0.0.1


def test_stopping_the_emulator_ends_its_process_and_frees_its_port() -> None:
    extra = start_emulator()
    if not extra.is_moto:
        pytest.skip("the emulator is external: nothing to stop")
    process, port = extra.process, int(extra.endpoint.rsplit(":", 1)[1])
    assert process is not None

    extra.stop()

    assert process.poll() is not None
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_emulator_stops_when_its_parent_closes_the_pipe() -> None:
    extra = start_emulator()
    if not extra.is_moto:
        pytest.skip("the emulator is external: nothing to stop")
    assert extra.process is not None and extra.process.stdin is not None
    process = extra.process
    process.stdin.close()  # what happens when the test process dies
    deadline = time.monotonic() + 15
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.poll() == 0
    extra.stop()


def test_validate_state_machine_definition_answers_ok_for_valid_asl(emulator: Emulator) -> None:
    _moto_only(emulator)
    answer = emulator.client("stepfunctions").validate_state_machine_definition(
        definition=MINIMAL_ASL)
    assert (answer["result"], answer["diagnostics"]) == ("OK", [])


def test_validate_state_machine_definition_reports_invalid_asl(emulator: Emulator) -> None:
    _moto_only(emulator)
    answer = emulator.client("stepfunctions").validate_state_machine_definition(
        definition=json.dumps({"StartAt": "Nowhere", "States": {"X": {"Type": "Sucked"}}}))
    assert answer["result"] == "FAIL"
    assert answer["diagnostics"][0]["severity"] == "ERROR"


def test_list_state_machine_versions_answers_empty(emulator: Emulator, unique_name: str) -> None:
    client = emulator.client("stepfunctions")
    arn = client.create_state_machine(name=unique_name, definition=MINIMAL_ASL,
                                      roleArn="arn:aws:iam::123456789012:role/sfn")[
        "stateMachineArn"]
    assert client.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"] == []


def test_athena_optimized_tasks_start_and_poll_a_query(
        emulator: Emulator, unique_name: str) -> None:
    """`athena:startQueryExecution`/`getQueryExecution` (SFN_ATHENA_TASKS) run against moto."""
    _moto_only(emulator)
    query = "UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format = 'PARQUET')"
    definition = {"StartAt": "Start query", "States": {
        "Start query": {
            "Type": "Task", "Resource": "arn:aws:states:::athena:startQueryExecution",
            "Parameters": {"QueryString": query, "WorkGroup": "primary"},
            "ResultSelector": {"QueryExecutionId.$": "$.QueryExecutionId"},
            "ResultPath": "$.query", "Next": "Poll query"},
        "Poll query": {
            "Type": "Task", "Resource": "arn:aws:states:::athena:getQueryExecution",
            "Parameters": {"QueryExecutionId.$": "$.query.QueryExecutionId"},
            "ResultPath": "$.query.poll", "Next": "Done"},
        "Done": {"Type": "Succeed"}}}
    machine = create_state_machine(emulator, unique_name, definition, {})

    done = run_execution(emulator, machine, f"athena-{unique_name}", {})

    assert done["status"] == "SUCCEEDED"
    execution = json.loads(done["output"])["query"]["poll"]["QueryExecution"]
    assert execution["Status"]["State"] == "SUCCEEDED"
    assert execution["Query"] == query
