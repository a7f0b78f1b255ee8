"""The Step Functions definitions generated from the pipeline declaration."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from c360.orchestration import asl
from c360.pipeline.definition import ALL, Step
from c360.resources import repo_root


def noop(ctx: Any) -> Any:
    return None


def step(name: str, kind: str = "lambda", inputs: tuple[str, ...] = (),
         resource: str = "crm_ingest") -> Step:
    return Step(name=name, kind=kind, input_tables=inputs, outputs=(name,), schedules=ALL,  # type: ignore[arg-type]
                run=noop, resource=resource)


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return asl.generate_all()


def all_states(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, state, the States map it lives in), branches included."""
    for name, state in states.items():
        yield name, state, states
        for branch in state.get("Branches", []):
            yield from all_states(branch["States"])


def test_committed_definitions_equal_the_generated_ones(generated: dict[str, str]) -> None:
    folder = repo_root() / "stepfunctions"
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.asl.json")}
    assert committed == generated, "stepfunctions/ is stale: run `make stepfunctions`"


RUN_CONTROL = {asl.START, asl.FINISH, asl.RELEASE_AFTER_FAILURE}


def test_every_step_task_retries_with_backoff_and_catches_into_record_failure_then_fail(
        generated: dict[str, str]) -> None:
    for name, text in generated.items():
        for state_name, state, scope in all_states(json.loads(text)["States"]):
            if state["Type"] != "Task" or state_name in RUN_CONTROL:
                continue
            assert state["Retry"] and all(r["BackoffRate"] > 1 for r in state["Retry"]), state_name
            (catch,) = state["Catch"]
            assert catch["ErrorEquals"] == ["States.ALL"], (name, state_name)
            target = scope[catch["Next"]]
            if state_name.startswith("RecordFailure"):
                assert target["Type"] == "Fail" or catch["Next"] == asl.RELEASE_AFTER_FAILURE, (
                    name, state_name)
                continue
            assert catch["Next"].startswith("RecordFailure"), (name, state_name)
            after = target["Next"]  # a branch's Fail, or the lock given back, then Run failed
            if after == asl.RELEASE_AFTER_FAILURE:
                after = scope[after]["Next"]
            assert scope[after]["Type"] == "Fail", (name, state_name)


def test_a_run_starts_by_taking_the_run_lock_and_ends_by_giving_it_back(
        generated: dict[str, str]) -> None:
    states = json.loads(generated["daily.asl.json"])["States"]
    start = states[json.loads(generated["daily.asl.json"])["StartAt"]]
    assert start["Parameters"] == {
        "FunctionName": "${lambda_run_control_arn}",
        "Payload": {"action": "start", "schedule": "daily", "input.$": "$",
                    "execution.$": "$$.Execution.Name"}}
    assert start["ResultPath"] == "$.run" and start["Next"] == "Run context"
    assert states["Run context"]["Parameters"] == {
        "logical_date.$": "$.run.logical_date", "run_id.$": "$.run.run_id",
        "lock_token.$": "$.run.lock_token", "quote": "'", "execution.$": "$$.Execution.Name"}
    last_stage = next(n for n, s in states.items() if s.get("Next") == "Finish run")
    assert last_stage == "Stage 9 of 9"
    for name, outcome, nxt in (("Finish run", "succeeded", "Run succeeded"),
                               ("Release run lock", "failed", "Run failed")):
        assert states[name]["Parameters"]["Payload"] == {
            "action": "finish", "outcome": outcome,
            "run": {"logical_date.$": "$.logical_date", "run_id.$": "$.run_id",
                    "lock_token.$": "$.lock_token"},
            "execution.$": "$$.Execution.Name"}
        assert (states[name]["ResultPath"], states[name]["Next"]) == (None, nxt)


def test_the_run_lock_lease_is_renewed_before_every_stage_after_the_first() -> None:
    states = asl.state_machine([step("raw_a"), step("raw_b"), step("stg_a", inputs=("raw_a",)),
                                step("int_ab", inputs=("stg_a", "raw_b"))], "daily")["States"]
    assert [(n, states[n]["Next"]) for n in ("Run context", "Stage 1 of 3",
                                             "Renew run lock before stg_a", "stg_a",
                                             "Renew run lock before int_ab", "int_ab")] == [
        ("Run context", "Stage 1 of 3"), ("Stage 1 of 3", "Renew run lock before stg_a"),
        ("Renew run lock before stg_a", "stg_a"), ("stg_a", "Renew run lock before int_ab"),
        ("Renew run lock before int_ab", "int_ab"), ("int_ab", "Finish run")]
    renew = states["Renew run lock before int_ab"]
    assert renew["Parameters"] == {
        "FunctionName": "${lambda_run_control_arn}",
        "Payload": {"action": "renew", "stage": "int_ab",
                    "run": {"logical_date.$": "$.logical_date", "run_id.$": "$.run_id",
                            "lock_token.$": "$.lock_token"},
                    "execution.$": "$$.Execution.Name"}}
    assert renew["ResultPath"] is None  # the run context passes on unchanged
    assert renew["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure",
                               "Next": "RecordFailure: Renew run lock"}]
    assert states["RecordFailure: Renew run lock"]["Next"] == "Release run lock"


def test_a_run_of_one_stage_renews_nothing() -> None:
    states = asl.state_machine([step("raw_a"), step("raw_b")], "hourly")["States"]
    assert not [n for n in states if n.startswith("Renew") or "Renew" in n]


def test_a_daily_run_waits_for_the_lock_and_an_hourly_run_skips_its_hour(
        generated: dict[str, str]) -> None:
    daily = json.loads(generated["daily.asl.json"])["States"]["Start run"]
    assert daily["Retry"][0] == {"ErrorEquals": ["LockHeld"], "IntervalSeconds": 60,
                                 "MaxAttempts": 120, "BackoffRate": 1.0}
    assert [c["Next"] for c in daily["Catch"]] == ["RecordFailure: Start run"]
    hourly_states = json.loads(generated["hourly.asl.json"])["States"]
    hourly = hourly_states["Start run"]
    assert all("LockHeld" not in r["ErrorEquals"] for r in hourly["Retry"])
    assert hourly["Catch"][0] == {"ErrorEquals": ["LockHeld"], "ResultPath": "$.lock_held",
                                  "Next": "Skipped: another run holds the lock"}
    assert hourly_states["Skipped: another run holds the lock"]["Type"] == "Succeed"


def test_a_run_that_cannot_start_is_recorded_and_fails_without_releasing(
        generated: dict[str, str]) -> None:
    states = json.loads(generated["weekly.asl.json"])["States"]
    assert states["RecordFailure: Start run"]["Next"] == "Run not started"
    assert states["Run not started"]["Type"] == "Fail"


def test_no_state_uses_a_sync_integration(generated: dict[str, str]) -> None:
    for text in generated.values():
        assert ".sync" not in text
        assert ":::aws-sdk:glue:getJobRun" in text


def test_placeholders_used_are_exactly_the_declared_ones(generated: dict[str, str]) -> None:
    used = set().union(*(asl.placeholders_in(t) for t in generated.values()))
    assert used == set(asl.PLACEHOLDERS)


def test_a_step_starts_only_after_the_steps_producing_its_inputs() -> None:
    steps = [step("raw_a"), step("raw_b"), step("stg_a", inputs=("raw_a",)),
             step("int_ab", inputs=("stg_a", "raw_b")), step("raw_c")]
    assert [[s.name for s in g] for g in asl.stages(steps)] == [
        ["raw_a", "raw_b", "raw_c"], ["stg_a"], ["int_ab"]]


def test_a_stage_of_several_steps_is_a_parallel_state_with_one_branch_each() -> None:
    definition = asl.state_machine([step("raw_a"), step("raw_b"), step("stg_a", inputs=("raw_a",))],
                                   "daily")
    stage = definition["States"]["Stage 1 of 2"]
    assert stage["Type"] == "Parallel" and stage["Next"] == "Renew run lock before stg_a"
    assert [b["StartAt"] for b in stage["Branches"]] == ["raw_a", "raw_b"]
    assert definition["States"]["stg_a"]["Next"] == "Finish run"


def test_glue_job_that_ends_failed_is_recorded_and_fails_the_run() -> None:
    states = asl.state_machine([step("stg_a", kind="glue_spark", resource="conform")],
                               "daily")["States"]
    choice = states["stg_a: done?"]
    assert choice["Choices"][1]["Next"] == "stg_a: failed"
    assert states["stg_a: failed"]["Next"] == "RecordFailure: stg_a"
    assert states["RecordFailure: stg_a"]["Next"] == "Release run lock"
    assert states["Release run lock"]["Next"] == "Run failed"
    assert states["Run failed"] == {"Type": "Fail", "Error": "C360.StepFailed",
                                    "CausePath": "$.failure.Cause"}


def test_athena_rerun_replaces_only_the_logical_date_partition() -> None:
    delete, insert = asl.athena_statements("c360_customer_profile")
    assert delete == ('DELETE FROM "${analytics_database}"."c360_customer_profile" '
                      "WHERE snapshot_date = DATE '@@c360:logical_date@@'")
    assert insert.startswith('INSERT INTO "${analytics_database}"."c360_customer_profile" WITH')
    assert '"${stage_database}".int_customer_golden' in insert


def test_athena_template_takes_quotes_and_parameters_from_the_run_state() -> None:
    call = asl._format_call("SELECT ',' FROM \"${db}\".t WHERE d = '@@c360:logical_date@@'")
    assert call == ("States.Format('SELECT {},{} FROM \"${db}\".t WHERE d = {}{}{}', "
                    "$.quote, $.quote, $.quote, $.logical_date, $.quote)")


def test_athena_template_refuses_sql_with_braces() -> None:
    with pytest.raises(asl.AslError, match="braces"):
        asl._format_call("SELECT map(array['{'], array[1]) WHERE d = '@@c360:logical_date@@'")


def test_a_glue_python_step_reading_an_athena_table_first_unloads_that_days_snapshot() -> None:
    load = step("ddb_customer_profile", kind="glue_python", inputs=("c360_customer_profile",),
                resource="load_profiles")
    states = asl.state_machine([load], "daily")["States"]
    start = states["ddb_customer_profile"]
    assert start["Resource"] == "arn:aws:states:::athena:startQueryExecution"
    assert asl.export_statement(load, "c360_customer_profile") == (
        'UNLOAD (SELECT * FROM "${analytics_database}"."c360_customer_profile" '
        "WHERE snapshot_date = DATE '@@c360:logical_date@@') "
        "TO 's3://${analytics_bucket}/_exports/@@c360:execution@@/ddb_customer_profile/"
        "c360_customer_profile/' WITH (format = 'PARQUET', compression = 'SNAPPY', "
        "partitioned_by = ARRAY['snapshot_date'])")
    assert start["Parameters"]["QueryString.$"] == asl._format_call(
        asl.export_statement(load, "c360_customer_profile"))
    assert states["ddb_customer_profile: done?"]["Choices"][0]["Next"] == (
        "ddb_customer_profile: job")
    job = states["ddb_customer_profile: job"]
    assert job["Resource"] == "arn:aws:states:::glue:startJobRun"
    assert job["Parameters"]["Arguments"]["--c360-export-prefix.$"] == (
        "States.Format('_exports/{}/ddb_customer_profile', $.execution)")
    assert states["Run context"]["Parameters"]["execution.$"] == "$$.Execution.Name"


def test_steps_reading_only_spark_written_tables_run_their_job_without_an_export() -> None:
    sandbox = step("sbx_fct_transactions_monthly", kind="glue_python",
                   inputs=("fct_transactions_monthly",), resource="sandbox_export")
    conform = step("stg_crm_customers", kind="glue_spark", inputs=("c360_customer_profile",),
                   resource="conform")
    assert asl.exported_inputs(sandbox) == [] and asl.exported_inputs(conform) == []
    states = asl.state_machine([sandbox], "daily")["States"]
    job = states["sbx_fct_transactions_monthly"]
    assert job["Resource"] == "arn:aws:states:::glue:startJobRun"
    assert "--c360-export-prefix.$" not in job["Parameters"]["Arguments"]


def test_render_refuses_a_definition_with_an_unfilled_placeholder() -> None:
    with pytest.raises(asl.AslError, match="glue_job_conform"):
        asl.render('{"JobName": "${glue_job_conform}"}', {})


def test_emr_spark_steps_let_driver_and_executors_jit_compile_huge_generated_methods() -> None:
    states = asl.state_machine([step("int_a", kind="emr_spark", resource="identity_link")],
                               "daily")["States"]
    submit = states["int_a"]["Parameters"]["JobDriver"]["SparkSubmit"]
    assert submit["SparkSubmitParameters"].split(" --conf ")[-2:] == [
        "spark.driver.extraJavaOptions=-XX:-DontCompileHugeMethods",
        "spark.executor.extraJavaOptions=-XX:-DontCompileHugeMethods",
    ]


def test_emr_spark_steps_run_c360_with_the_python_of_the_applications_image() -> None:
    states = asl.state_machine([step("int_a", kind="emr_spark", resource="identity_link")],
                               "daily")["States"]
    submit = states["int_a"]["Parameters"]["JobDriver"]["SparkSubmit"]
    assert submit["SparkSubmitParameters"].split(" --conf ")[:3] == [
        "--conf spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON=/usr/bin/python3.11",
        "spark.emr-serverless.driverEnv.PYSPARK_PYTHON=/usr/bin/python3.11",
        "spark.executorEnv.PYSPARK_PYTHON=/usr/bin/python3.11",
    ]
    assert "pyFiles" not in submit["SparkSubmitParameters"]  # c360 is in the image


@pytest.mark.parametrize("kind", ["emr_spark", "emr_hive"])
def test_every_emr_job_run_is_bounded_by_the_job_timeout(kind: str) -> None:
    states = asl.state_machine([step("dim_a", kind=kind, resource="dim_a")], "daily")["States"]
    assert states["dim_a"]["Parameters"]["ExecutionTimeoutMinutes.$"] == (
        "States.StringToJson('${job_timeout_minutes}')")


def test_an_emr_spark_step_is_told_where_each_layer_of_the_lake_is() -> None:
    model = step("fct_digital_sessions", kind="emr_spark", inputs=("stg_clickstream_events",),
                 resource="run_model")
    states = asl.state_machine([model], "daily")["States"]
    submit = states["fct_digital_sessions"]["Parameters"]["JobDriver"]["SparkSubmit"]
    assert submit["EntryPointArguments.$"] == (
        "States.Array('--c360-raw-bucket', '${raw_bucket}', "
        "'--c360-stage-bucket', '${stage_bucket}', "
        "'--c360-analytics-bucket', '${analytics_bucket}', "
        "'--c360-sandbox-bucket', '${sandbox_bucket}', "
        "'--logical-date', $.logical_date, '--run-id', $.run_id)")


def test_an_emr_spark_step_reading_athena_tables_first_unloads_each_of_them_whole() -> None:
    prefs = step("dim_customer_preferences", kind="emr_spark", resource="customer_preferences",
                 inputs=("int_customer_golden", "dim_customer_demographic",
                         "dim_customer_loyalty", "dim_customer_service"))
    assert asl.exported_inputs(prefs) == ["dim_customer_loyalty", "dim_customer_service"]
    states = asl.state_machine([prefs], "daily")["States"]
    assert asl.export_statement(prefs, "dim_customer_service") == (
        'UNLOAD (SELECT * FROM "${analytics_database}"."dim_customer_service") '
        "TO 's3://${analytics_bucket}/_exports/@@c360:execution@@/dim_customer_preferences/"
        "dim_customer_service/' WITH (format = 'PARQUET', compression = 'SNAPPY')")
    assert states["dim_customer_preferences"]["Parameters"]["QueryString.$"] == (
        asl._format_call(asl.export_statement(prefs, "dim_customer_loyalty")))
    assert states["dim_customer_preferences: done?"]["Choices"][0]["Next"] == (
        "dim_customer_preferences: export dim_customer_service")
    assert states["dim_customer_preferences: export dim_customer_service: done?"][
        "Choices"][0]["Next"] == "dim_customer_preferences: job"
    submit = states["dim_customer_preferences: job"]["Parameters"]["JobDriver"]["SparkSubmit"]
    assert submit["EntryPointArguments.$"].endswith(
        "'--c360-export-prefix', "
        "States.Format('_exports/{}/dim_customer_preferences', $.execution), "
        "'--logical-date', $.logical_date, '--run-id', $.run_id)")


def test_the_hive_step_uses_the_glue_catalog_and_scratch_and_warehouse_folders_on_s3() -> None:
    hive = step("dim_customer_demographic", kind="emr_hive", inputs=("int_customer_golden",),
                resource="dim_customer_demographic")
    states = asl.state_machine([hive], "daily")["States"]
    assert states["dim_customer_demographic"]["Parameters"]["ConfigurationOverrides"] == {
        "ApplicationConfiguration": [{"Classification": "hive-site", "Properties": {
            "hive.metastore.client.factory.class":
                "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
            "hive.exec.scratchdir": "s3://${stage_bucket}/.staging/hive-scratch",
            "hive.metastore.warehouse.dir": "s3://${analytics_bucket}/.staging/hive-warehouse",
        }}]}
