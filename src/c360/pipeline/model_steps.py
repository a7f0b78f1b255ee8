"""Steps that run one SQL model each (Spark SQL, HiveQL or Trino), and their helper."""

from __future__ import annotations

from collections.abc import Callable

from c360.models import load_model
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import DAILY_UP, Schedule, Step, StepKind

MODEL_KIND = {"emr_spark": "spark", "glue_spark": "spark", "emr_hive": "hive", "athena": "athena"}


def run_model_step(kind: str, table: str, partition_by: tuple[str, ...] = ()
                   ) -> Callable[[StepContext], StepResult]:
    def run(ctx: StepContext) -> StepResult:
        model = load_model(kind, table, partition_by)
        # The only partitioned models are snapshots, partitioned by the logical date.
        partition = {key: ctx.logical_date.isoformat() for key in partition_by}
        rows = ctx.engine.run_model(model, ctx.params, partition or None)
        return StepResult(rows_out=rows)

    return run


def model_step(
    table: str,
    step_kind: StepKind,
    schedules: frozenset[Schedule] = DAILY_UP,
    partition_by: tuple[str, ...] = (),
    description: str = "",
) -> Step:
    """A step whose whole work is one SQL model producing `table`."""
    kind = MODEL_KIND[step_kind]
    return Step(
        name=table, kind=step_kind, input_tables=lambda: load_model(kind, table).inputs,
        outputs=(table,),
        schedules=schedules, run=run_model_step(kind, table, partition_by),
        resource=table if step_kind in ("athena", "emr_hive") else "run_model",
        arguments=(("--model", f"{kind}/{table}"),), description=description,
    )
