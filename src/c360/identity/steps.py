"""Identity steps: person records → customer ids (xref, events, links) → golden record."""

from __future__ import annotations

from c360.identity.golden import build_golden
from c360.identity.model_store import MODEL
from c360.identity.resolve import EVENTS, HISTORY, LINKS, XREF, resolve_identity
from c360.identity.settings import load_identity_settings
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import DAILY_UP, Step, schedule_of
from c360.pipeline.model_steps import model_step


def _identity(ctx: StepContext) -> StepResult:
    result = resolve_identity(ctx.engine, load_identity_settings(), ctx.run_id, ctx.logical_date,
                              truth=ctx.sources_dir,
                              retrain=schedule_of(ctx.run_id) == "weekly")
    return StepResult(rows_in=result.rows_in, rows_out=result.rows_out, details=result.details)


def _golden(ctx: StepContext) -> StepResult:
    rows = build_golden(ctx.engine, load_identity_settings(), ctx.params)
    return StepResult(rows_out=rows)


def identity_steps() -> list[Step]:
    return [
        model_step("int_person_records", "emr_spark",
                   description="Every person-describing record in one shape"),
        Step(
            name=XREF, kind="emr_spark", input_tables=("int_person_records",),
            outputs=(XREF, HISTORY, EVENTS, LINKS, MODEL), schedules=DAILY_UP, run=_identity,
            resource="identity_link",
            arguments=(("--stage", "link"),),
            description="Link records (rules, then Splink: trained weekly, the model kept in "
                        "int_identity_model) to persistent customer ids",
        ),
        Step(
            name="int_customer_golden", kind="emr_spark",
            input_tables=("int_person_records", XREF), outputs=("int_customer_golden",),
            schedules=DAILY_UP, run=_golden, resource="identity_link",
            arguments=(("--stage", "golden"),),
            description="Golden record with per-attribute survivorship and provenance",
        ),
    ]
