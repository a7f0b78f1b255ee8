"""Sandbox steps: one `sbx_<table>` per masking policy, written with `Engine.write_arrow`."""

from __future__ import annotations

from collections.abc import Callable

from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import DAILY_UP, Step
from c360.sandbox.masking import POLICIES, Policy, mask_table


def _mask(policy: Policy) -> Callable[[StepContext], StepResult]:
    def run(ctx: StepContext) -> StepResult:
        engine = ctx.engine
        engine.register_table(policy.source)
        where = f" where {policy.row_filter}" if policy.row_filter else ""
        source = engine.query(f"select * from {policy.source}{where}", "spark")
        masked = mask_table(source, policy, ctx.settings.sandbox_key.encode("utf-8"))
        rows = engine.write_arrow(policy.target, masked)
        return StepResult(rows_in=source.num_rows, rows_out=rows,
                          details={"columns": masked.num_columns})

    return run


def sandbox_steps() -> list[Step]:
    """A masked copy per policy, after the analytics table it copies (daily and weekly)."""
    return [
        Step(
            name=policy.target, kind="glue_python", input_tables=(policy.source,),
            outputs=(policy.target,), schedules=DAILY_UP, run=_mask(policy),
            resource="sandbox_export", arguments=(("--table", policy.source),),
            description=f"Masked copy of {policy.source} for data scientists",
        )
        for policy in POLICIES
    ]
