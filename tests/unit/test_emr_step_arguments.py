"""Every EMR Spark step's job accepts the arguments its state machine passes it.

The generated definitions are read back: each `SparkSubmit` step's
`EntryPointArguments` is evaluated as Step Functions would (placeholders as Terraform
fills them, `$.…` from the run's state, `States.Format`), handed to the real adapter in
`jobs/emr/` (its call into the package is captured, not run), and parsed by the job's
own parser.
"""

from __future__ import annotations

import json
import re
import runpy
import sys
from typing import Any

import pytest

from c360.dimensions import jobs as step_jobs
from c360.identity import job as identity_job
from c360.lake import LAYERS
from c360.orchestration import asl
from c360.resources import repo_root

FILLED = {f"{layer}_bucket": f"c360-dev-{layer}" for layer in LAYERS}
STATE = {"logical_date": "2026-11-25", "execution": "exec-1"}


def _split(args: str) -> list[str]:
    """Top-level, comma-separated arguments of an intrinsic function call."""
    parts, depth, quoted, current = [], 0, False, ""
    for char in args:
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and char == ",":
            parts.append(current.strip())
            current = ""
            continue
        current += char
    return [*parts, current.strip()] if current.strip() else parts


def _evaluate(token: str, state: dict[str, str]) -> str:
    if token.startswith("'"):
        return re.sub(r"\$\{(\w+)\}", lambda m: FILLED[m.group(1)], token[1:-1])
    if token.startswith("$."):
        return state[token[2:]]
    call = re.fullmatch(r"States\.Format\((.*)\)", token)
    assert call, f"unexpected argument {token}"
    template, *values = _split(call.group(1))
    text = _evaluate(template, state)
    for value in values:
        text = text.replace("{}", _evaluate(value, state), 1)
    return text


def emr_spark_steps() -> list[tuple[str, str, str, list[str]]]:
    """(schedule, state name, entry point script, evaluated arguments) of every step."""
    found = []
    for name, text in asl.generate_all().items():
        schedule = name.removesuffix(".asl.json")
        state = {**STATE, "run_id": f"{schedule}-2026-11-25"}
        pending = list(json.loads(text)["States"].items())
        while pending:
            label, node = pending.pop()
            pending += [item for b in node.get("Branches", []) for item in b["States"].items()]
            submit = node.get("Parameters", {}).get("JobDriver", {}).get("SparkSubmit")
            if submit:
                call = re.fullmatch(r"States\.Array\((.*)\)", submit["EntryPointArguments.$"])
                assert call
                argv = [_evaluate(t, state) for t in _split(call.group(1))]
                script = submit["EntryPoint"].rsplit("/", 1)[-1]
                found.append((schedule, label, script, argv))
    return sorted(found)


STEPS = emr_spark_steps()


def _adapter_call(script: str, argv: list[str], monkeypatch: pytest.MonkeyPatch
                  ) -> tuple[str, list[str]]:
    """Run `jobs/emr/<script>` with `argv`; return the package call it makes."""
    calls: list[tuple[str, list[str]]] = []

    def step_job(args: list[str], prog: str, spark: Any = None) -> Any:
        calls.append((prog, args))
        return step_jobs.StepResult(rows_out=0)

    def identity(args: list[str], spark: Any = None) -> dict[str, Any]:
        calls.append(("identity_link", args))
        return {}

    monkeypatch.setattr(step_jobs, "run_step_job", step_job)
    monkeypatch.setattr(identity_job, "run", identity)
    monkeypatch.setattr(sys, "argv", [script, *argv])
    main = runpy.run_path(str(repo_root() / "jobs" / "emr" / script))["main"]
    if script == "identity_link.py":
        main()
    else:
        main(argv)
    assert len(calls) == 1
    return calls[0]


def test_every_schedule_has_emr_spark_steps() -> None:
    assert {schedule for schedule, *_ in STEPS} == {"daily", "hourly", "weekly"}


@pytest.mark.parametrize(("schedule", "label", "script", "argv"), STEPS,
                         ids=[f"{s}:{label}" for s, label, *_ in STEPS])
def test_the_job_parses_what_its_state_machine_passes(
        schedule: str, label: str, script: str, argv: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    step = label.removesuffix(": job")
    prog, args = _adapter_call(script, argv, monkeypatch)
    if prog == "identity_link":
        parsed = identity_job.parse_args(args)
        assert parsed.stage_uri == "s3://c360-dev-stage"
        assert parsed.run_id == f"{schedule}-2026-11-25"
        return
    parsed = step_jobs.parse_step_args(args, prog)
    assert step_jobs.step_name(parsed) == step
    assert parsed.layer_uris == {layer: f"s3://c360-dev-{layer}" for layer in LAYERS}
    assert parsed.run_id == f"{schedule}-2026-11-25"
    expected_prefix = (f"_exports/exec-1/{step}" if asl.exported_inputs(
        {s.name: s for s in asl.orchestrated_steps()}[step]) else None)
    assert parsed.c360_export_prefix == expected_prefix
