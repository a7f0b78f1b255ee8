"""Local runner: neighbouring engine-free steps (ingest) run side by side, in lanes per
AWS resource; the manifest keeps declaration order; a failure stops the run after every
lane has finished."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from c360.pipeline.context import StepResult
from c360.pipeline.definition import ALL, Step
from c360.pipeline.runner import _execute_side_by_side, concurrent_batches


def step(name: str, inputs: tuple[str, ...] = (), engine_free: bool = True,
         resource: str = "", run=None) -> Step:
    return Step(name=name, kind="lambda", inputs=inputs, outputs=(name,), schedules=ALL,
                run=run or (lambda ctx: StepResult(rows_out=1)), resource=resource,
                engine_free=engine_free)


CTX = SimpleNamespace(run_id="daily-2026-11-25")


def names(batches: list[list[Step]]) -> list[list[str]]:
    return [[s.name for s in batch] for batch in batches]


def test_neighbouring_engine_free_steps_form_one_batch_and_others_run_alone() -> None:
    steps = [step("raw_crm"), step("raw_clicks"), step("stg_crm", ("raw_crm",), False),
             step("stg_clicks", ("raw_clicks",), False)]
    assert names(concurrent_batches(steps)) == [["raw_crm", "raw_clicks"], ["stg_crm"],
                                                ["stg_clicks"]]


def test_an_engine_free_step_reading_a_batch_output_starts_a_new_batch() -> None:
    steps = [step("raw_a"), step("raw_b", ("raw_a",)), step("raw_c")]
    assert names(concurrent_batches(steps)) == [["raw_a"], ["raw_b", "raw_c"]]


def test_steps_of_different_resources_overlap_in_time() -> None:
    both_running = threading.Barrier(2, timeout=5)

    def meet(ctx) -> StepResult:
        both_running.wait()  # fails with BrokenBarrierError unless the other runs meanwhile
        return StepResult(rows_out=1)

    records = _execute_side_by_side(
        [step("raw_a", resource="crm_ingest", run=meet),
         step("raw_b", resource="file_drop_ingest", run=meet)], CTX, workers=2)
    assert [r.step for r in records] == ["raw_a", "raw_b"]


def test_steps_of_one_resource_run_one_after_another_in_declared_order() -> None:
    order: list[str] = []

    def record(name: str):
        def run(ctx) -> StepResult:
            order.append(f"start {name}")
            time.sleep(0.05)
            order.append(f"end {name}")
            return StepResult(rows_out=1)
        return run

    batch = [step(f"raw_cb_{t}", resource="extract_core_banking", run=record(t))
             for t in ("customers", "accounts", "transactions")]
    records = _execute_side_by_side(batch, CTX, workers=2)
    assert order == ["start customers", "end customers", "start accounts", "end accounts",
                     "start transactions", "end transactions"]
    assert [r.step for r in records] == ["raw_cb_customers", "raw_cb_accounts",
                                         "raw_cb_transactions"]


def test_a_failed_step_is_raised_after_the_other_lanes_finish() -> None:
    finished: list[str] = []

    def fail(ctx) -> StepResult:
        raise RuntimeError("crm api unreachable")

    def slow(ctx) -> StepResult:
        time.sleep(0.2)
        finished.append("raw_clicks")
        return StepResult(rows_out=1)

    with pytest.raises(RuntimeError, match="crm api unreachable"):
        _execute_side_by_side([step("raw_crm", resource="crm_ingest", run=fail),
                               step("raw_clicks", resource="file_drop_ingest", run=slow)],
                              CTX, workers=2)
    assert finished == ["raw_clicks"]


def test_a_failed_step_stops_the_rest_of_its_lane() -> None:
    ran: list[str] = []

    def fail(ctx) -> StepResult:
        raise RuntimeError("database gone")

    def later(ctx) -> StepResult:
        ran.append("raw_cb_transactions")
        return StepResult()

    with pytest.raises(RuntimeError, match="database gone"):
        _execute_side_by_side(
            [step("raw_cb_accounts", resource="extract_core_banking", run=fail),
             step("raw_cb_transactions", resource="extract_core_banking", run=later)],
            CTX, workers=2)
    assert ran == []
