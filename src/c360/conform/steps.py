"""Conform steps: `stg_<dataset>` + `quarantine_<dataset>` from `raw_<dataset>`."""

from __future__ import annotations

from collections.abc import Callable

from c360.conform.run import conform_dataset, conform_increment, delivered_by, raw_files
from c360.ingest.steps import DATASETS, schedules_of
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import Step, schedule_of


def _conform(dataset: str) -> Callable[[StepContext], StepResult]:
    def run(ctx: StepContext) -> StepResult:
        contract = ctx.contracts[dataset]
        files = raw_files(contract, ctx.lake.layer_roots["raw"], files=ctx.lake.files)
        incremental = (contract.append_only and schedule_of(ctx.run_id) == "hourly"
                       and ctx.lake.exists(contract.stage_table)
                       and ctx.lake.exists(contract.quarantine_table))
        if incremental:
            files = delivered_by(files, ctx.run_id)
            if not files:
                return StepResult(details={"raw_files": 0, "mode": "increment: nothing new"})
            result = conform_increment(ctx.engine, contract, files, ctx.run_id)
        else:
            result = conform_dataset(ctx.engine, contract, files)
        if not result.reconciles:
            raise RuntimeError(
                f"{contract.stage_table}: counts do not reconcile: in {result.rows_in} != "
                f"staged {result.rows_staged} + quarantined {result.rows_quarantined}"
            )
        return StepResult(result.rows_in, result.rows_staged, result.rows_quarantined,
                          {"raw_files": len(files), "mode": "increment" if incremental else "full"})

    return run


def conform_steps() -> list[Step]:
    return [
        Step(
            name=f"stg_{dataset}", kind="glue_spark", input_tables=(f"raw_{dataset}",),
            outputs=(f"stg_{dataset}", f"quarantine_{dataset}"), schedules=schedules_of(dataset),
            run=_conform(dataset), resource="conform", arguments=(("--dataset", dataset),),
            description=f"Conform {dataset}: typed, deduplicated, bad rows quarantined",
        )
        for dataset in DATASETS
    ]
