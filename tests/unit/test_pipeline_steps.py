"""The pipeline declaration: what a step reads is known without parsing every model."""

from __future__ import annotations

import pytest

from c360.models import ModelError
from c360.pipeline.definition import Step, StepKind, local_engine, steps_for
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


@pytest.mark.parametrize(("kind", "selected", "runs_on"), [
    ("glue_spark", "spark", "spark"),
    ("emr_spark", "spark", "spark"),
    ("emr_hive", "spark", "spark"),
    ("lambda", "spark", "spark"),
    ("athena", "spark", "duckdb"),
    ("glue_python", "spark", "duckdb"),
    ("glue_spark", "duckdb", "duckdb"),
    ("athena", "duckdb", "duckdb"),
])
def test_only_the_kinds_spark_runs_in_aws_follow_the_selected_engine(
        kind: StepKind, selected: str, runs_on: str) -> None:
    assert local_engine(kind, selected) == runs_on


def test_every_athena_and_glue_python_step_of_the_pipeline_runs_on_duckdb_under_spark() -> None:
    on_duckdb = {s.name for s in build_steps() if local_engine(s.kind, "spark") == "duckdb"}

    assert on_duckdb == {s.name for s in build_steps() if s.kind in ("athena", "glue_python")}
    assert {"c360_customer_profile", "dim_customer_loyalty", "sbx_c360_customer_profile"
            } <= on_duckdb
    assert local_engine(next(s.kind for s in build_steps() if s.name == "int_customer_xref"),
                        "spark") == "spark"
