"""The pipeline declaration: what a step reads is known without parsing every model."""

from __future__ import annotations

import pytest

from c360.models import ModelError
from c360.pipeline.definition import Step, steps_for
from c360.pipeline.model_steps import model_step
from c360.pipeline.steps import build_steps


def test_a_model_step_reads_the_tables_its_sql_names() -> None:
    step = model_step("fct_digital_sessions", "emr_spark")

    assert step.inputs == ("int_customer_xref", "stg_clickstream_events")


def test_a_model_step_parses_its_sql_only_when_its_inputs_are_asked_for() -> None:
    step = model_step("dim_customer_nonexistent", "emr_spark")  # declared: nothing read yet

    with pytest.raises(ModelError, match="dim_customer_nonexistent"):
        _ = step.inputs


def test_the_hourly_schedule_asks_only_its_own_steps_what_they_read() -> None:
    declared = build_steps()
    hourly = steps_for(declared, "hourly")
    for step in hourly:
        _ = step.inputs

    asked = {s.name for s in declared if "inputs" in vars(s)}  # cached once computed

    assert asked == {s.name for s in hourly}
    assert len(asked) < len(declared)


def test_a_step_given_its_inputs_reads_exactly_those() -> None:
    step = Step(name="stg_web_events", kind="glue_spark", input_tables=("raw_web_events",),
                outputs=("stg_web_events",), schedules=frozenset({"daily"}),
                run=lambda ctx: None)  # type: ignore[arg-type, return-value]

    assert step.inputs == ("raw_web_events",)
