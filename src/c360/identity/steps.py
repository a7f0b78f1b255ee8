"""Identity steps: person records → `int_customer_xref` → golden record."""

from __future__ import annotations

from c360.identity.exact import link_exact
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import DAILY_UP, Step
from c360.pipeline.model_steps import model_step


def _identity(ctx: StepContext) -> StepResult:
    ctx.engine.register_table("int_person_records")
    records = ctx.engine.query(
        "select * from int_person_records order by source_system, source_key", "spark"
    )
    xref = link_exact(records)
    rows = ctx.engine.write_arrow("int_customer_xref", xref)
    customers = len(set(xref.column("customer_id").to_pylist()))
    return StepResult(rows_in=records.num_rows, rows_out=rows, details={"customers": customers})


def identity_steps() -> list[Step]:
    return [
        model_step("int_person_records", "emr_spark",
                   description="Every person-describing record in one shape"),
        Step(
            name="int_customer_xref", kind="emr_spark", inputs=("int_person_records",),
            outputs=("int_customer_xref",), schedules=DAILY_UP, run=_identity,
            resource="identity_link", description="Resolve records to customer ids",
        ),
        model_step("int_customer_golden", "emr_spark",
                   description="Golden record with per-attribute provenance"),
    ]
