"""Step Functions definitions (ASL) generated from the pipeline declaration.

`state_machine(steps, schedule)` turns the steps of one schedule into one state
machine. Steps run in stages: a step's stage is one more than the latest stage
of the steps it reads from, so every input is complete before its reader
starts; a stage with several steps is a `Parallel` state (one branch per step).

Each step becomes the states of its kind's AWS integration:

| kind                      | states                                                             |
|---------------------------|--------------------------------------------------------------------|
| `lambda`                  | `lambda:invoke`                                                    |
| `glue_spark`/`glue_python`| `glue:startJobRun` → Wait → `aws-sdk:glue:getJobRun` → Choice loop |
|                           | (`glue_python` reading an Athena-written table: first that table's |
|                           | export, an Athena `UNLOAD` loop like the `athena` row's)           |
| `athena`                  | per statement: `athena:startQueryExecution` → Wait →               |
|                           | `athena:getQueryExecution` → Choice loop                           |
| `emr_spark`/`emr_hive`    | `emr-serverless:startJobRun` → Wait →                              |
|                           | `aws-sdk:emrserverless:getJobRun` → Choice loop                    |

The `.sync` integrations are avoided on purpose: start → wait → poll is what
the AWS emulator can run, and it behaves the same in AWS.

Failure is never silent (the seed's state machines fell through a failed
query): every Task retries transient errors with exponential backoff and
catches everything else into `RecordFailure: <step>` (an SNS alert carrying the
state data with the error) and then `Failed: <step>`, a Fail state. A job that
ends FAILED/TIMEOUT/... takes the same path. A Parallel stage catches its
branch's failure and ends the run through `Release run lock` in `Run failed`; any
error outside a step goes through the top-level `RecordFailure` first.

**A run opens and closes like a local `c360 run`.** The first state, `Start run`,
calls the run_control Lambda (`c360.orchestration.run_control`): it takes the
logical date from the input (`{"logical_date": "YYYY-MM-DD"}`, a run started by
hand) or derives it from EventBridge Scheduler's `{"scheduled_time": ...}`, names
the run `<schedule>-<date>`, and takes the environment's run lock. While another
run or an erasure holds it, an hourly run ends in `Skipped: another run holds the
lock` (the next hour lands its data), a daily or weekly one waits
(`Options.lock_wait_*`). Before each later stage `Renew run lock before <stage>`
extends the lock's lease from now (a run whose lease ran out and whose lock another
run took stops there, `RunLockLost`). `Finish run` gives the lock back after the
last stage, `Release run lock` after a failure.

Names and ARNs are Terraform `templatefile()` placeholders (`${...}`, listed in
`PLACEHOLDERS`).

**Exports.** The tables Athena writes are Iceberg tables: their data files are not
`snapshot_date=` folders, and a file can still hold rows a later commit deleted. A
Glue Python shell job reads Parquet with pyarrow, and an EMR Spark step with Spark's
Parquet reader, not Iceberg, so before such a job reads an Athena-written table the
state machine has Athena `UNLOAD` the rows the job needs (the logical date's snapshot,
or the whole table when it has no `snapshot_date`) as plain Parquet under
`s3://<analytics bucket>/_exports/<execution name>/<step>/<table>/`, laid out like the
table's own folders (`snapshot_date=<D>/`), and passes the job
`--c360-export-prefix _exports/<execution name>/<step>` (`export_statement`). Each
execution writes its own prefix (UNLOAD needs an empty one, and a rerun of a date is a
new execution); the analytics bucket's lifecycle expires `_exports/`.

`python -m c360.orchestration.asl [--check]` writes (or checks) `stepfunctions/`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlglot import exp

from c360.dimensions.history import MERGE_KEYS as HISTORY_KEYS
from c360.dimensions.history import REWOUND_FROM as HISTORY_REWOUND_FROM
from c360.dimensions.history import TABLE as HISTORY_TABLE
from c360.engine.spark_engine import JIT_HUGE_METHODS
from c360.lake import LAYERS, layer_of
from c360.models import athena_written, load_model
from c360.pipeline.definition import SCHEDULES, Schedule, Step, steps_for

PLACEHOLDERS: dict[str, str] = {
    "alerts_topic_arn": "SNS topic ARN that receives a message for every failed step",
    "lambda_run_control_arn": "ARN of the run_control Lambda (a run's logical date and run "
                              "lock: the first and last state of every execution)",
    "lambda_crm_ingest_arn": "ARN of the crm_ingest Lambda (CRM API → RAW)",
    "lambda_mainframe_export_arn": "ARN of the mainframe_export Lambda (mainframe files → RAW)",
    "lambda_file_drop_ingest_arn": "ARN of the file_drop_ingest Lambda (clickstream, calls → RAW)",
    "glue_job_conform": "name of the Glue Spark job conform (RAW → STAGE)",
    "glue_job_extract_core_banking": "name of the Glue Spark job extract_core_banking (JDBC)",
    "glue_job_load_profiles": "name of the Glue Python shell job load_profiles (→ DynamoDB)",
    "glue_job_sandbox_export": "name of the Glue Python shell job sandbox_export (sbx_* copies)",
    "athena_workgroup": "Athena workgroup that runs the Trino models",
    "stage_database": "Glue database of the STAGE layer (stg_*, int_*)",
    "analytics_database": "Glue database of the ANALYTICS layer (dim_*, fct_*, c360_*)",
    "raw_bucket": "RAW bucket name (the EMR Spark steps' --c360-raw-bucket)",
    "stage_bucket": "STAGE bucket name (the EMR Spark steps' --c360-stage-bucket)",
    "analytics_bucket": "ANALYTICS bucket name (the Athena exports go under _exports/)",
    "sandbox_bucket": "SANDBOX bucket name (the EMR Spark steps' --c360-sandbox-bucket)",
    "emr_spark_application_id": "EMR Serverless SPARK application id",
    "emr_hive_application_id": "EMR Serverless HIVE application id",
    "emr_execution_role_arn": "IAM role ARN the EMR Serverless job runs assume",
    "artifacts_bucket": "artifacts bucket name (jobs/<version>/..., wheel/<version>/...)",
    "artifact_version": "artifact version deployed (package version + git sha)",
    "job_timeout_minutes": "longest a job may run, in minutes: each EMR Serverless job run's "
                           "ExecutionTimeoutMinutes (the Glue jobs carry the same timeout)",
}
"""Every `${name}` the generated definitions use → what Terraform must pass for it."""

EMR_PYTHON = "/usr/bin/python3.11"
"""The Python the EMR Spark steps run with: the one the SPARK application's image adds to
EMR's own runtime (Python 3.9 on EMR 7.x) with c360 and its dependencies installed
(`jobs/emr/image/Dockerfile`); c360 needs 3.11."""
EMR_PYTHON_CONFS = ("spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON",
                    "spark.emr-serverless.driverEnv.PYSPARK_PYTHON",
                    "spark.executorEnv.PYSPARK_PYTHON")
"""Where EMR Serverless takes a job's driver and executor Python from."""

LAMBDA_RETRY_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException",
                       "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]
GLUE_RETRY_ERRORS = ["Glue.InternalServiceException", "Glue.OperationTimeoutException",
                     "Glue.ThrottlingException"]
ATHENA_RETRY_ERRORS = ["Athena.TooManyRequestsException", "Athena.InternalServerException"]
EMR_RETRY_ERRORS = ["EmrServerless.InternalServerException", "EmrServerless.ThrottlingException"]
SNS_RETRY_ERRORS = ["SNS.ThrottledException", "SNS.InternalErrorException"]
STEP_FAILED = "C360.StepFailed"
LOCK_HELD = "LockHeld"
"""The run_control Lambda's error when another run (or an erasure) holds the run lock
(`c360.locking.LockHeld`: Step Functions names a Lambda error after its exception)."""
SKIP_WHEN_LOCKED: frozenset[str] = frozenset({"hourly"})
"""Schedules that skip their run while another holds the lock (the next hourly run lands
what this one would have); the others wait (`Options.lock_wait_*`)."""
START, CONTEXT, FINISH = "Start run", "Run context", "Finish run"
RENEW = "Renew run lock"
"""States `Renew run lock before <stage>` extend the lock's lease between two stages."""
RELEASE_AFTER_FAILURE = "Release run lock"
SUCCEEDED, FAILED, NOT_STARTED = "Run succeeded", "Run failed", "Run not started"
SKIPPED = "Skipped: another run holds the lock"
RUN_FIELDS = ("logical_date", "run_id", "lock_token")
"""What run_control's `start` returns, every step reads and `finish` is given back."""


def _run_fields(source: str) -> dict[str, str]:
    """The `RUN_FIELDS` as JsonPath parameters read from `source` (e.g. `$.run`)."""
    return {f"{name}.$": f"{source}.{name}" for name in RUN_FIELDS}


@dataclass(frozen=True)
class Poll:
    """How a start → wait → poll loop reads its job's state."""

    wait_seconds: int
    state_path: str
    detail_path: str
    """What the failure record carries: the job run / query status with its error."""
    succeeded: tuple[str, ...]
    failed: tuple[str, ...]


@dataclass(frozen=True)
class Options:
    """Tunables of the generated definitions (tests shorten the waits)."""

    glue_wait_seconds: int = 30
    athena_wait_seconds: int = 10
    emr_wait_seconds: int = 60
    retry_interval_seconds: int = 5
    retry_max_attempts: int = 3
    retry_backoff_rate: float = 2.0
    retry_max_delay_seconds: int = 120
    lock_wait_interval_seconds: int = 60
    lock_wait_attempts: int = 120
    """A daily or weekly run waits up to interval x attempts (2 h) for the run lock."""
    placeholders: Mapping[str, str] = field(default_factory=dict)
    """Extra `${...}` names allowed (e.g. a test's own Lambda)."""


class AslError(ValueError):
    """A step cannot be turned into states (unknown kind or resource)."""


def placeholder(name: str) -> str:
    return "${" + name + "}"


def _retry(errors: list[str], options: Options) -> list[dict[str, Any]]:
    return [{
        "ErrorEquals": errors,
        "IntervalSeconds": options.retry_interval_seconds,
        "MaxAttempts": options.retry_max_attempts,
        "BackoffRate": options.retry_backoff_rate,
        "MaxDelaySeconds": options.retry_max_delay_seconds,
        "JitterStrategy": "FULL",
    }]


def _catch(where: str) -> list[dict[str, Any]]:
    """Every error of the state into `RecordFailure: <where>`, with `$.failure`."""
    return [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure",
             "Next": f"RecordFailure: {where}"}]


def _task(step: Step, resource: str, parameters: dict[str, Any], retry_errors: list[str],
          options: Options, result_path: str | None, nxt: str,
          result_selector: dict[str, str] | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Task", "Resource": resource, "Parameters": parameters}
    if result_selector:
        state["ResultSelector"] = result_selector
    state.update({"ResultPath": result_path, "Retry": _retry(retry_errors, options),
                  "Catch": _catch(step.name), "Next": nxt})
    return state


def _run_arguments(step: Step) -> dict[str, str]:
    """The step's declared arguments plus the run's logical date and id (JSONPath)."""
    args = {key: value for key, value in step.arguments}
    args["--logical-date.$"] = "$.logical_date"
    args["--run-id.$"] = "$.run_id"
    return args


def _poll_loop(step: Step, label: str, start: dict[str, Any], poll: dict[str, Any],
               spec: Poll, nxt: str) -> dict[str, dict[str, Any]]:
    """start → wait → poll → Choice (done → nxt, failed → failure, else wait)."""
    wait, check, done, failed = (f"{label}: wait", f"{label}: poll", f"{label}: done?",
                                 f"{label}: failed")
    start["Next"] = wait
    poll["Next"] = done
    return {
        label: start,
        wait: {"Type": "Wait", "Seconds": spec.wait_seconds, "Next": check},
        check: poll,
        done: {
            "Type": "Choice",
            "Choices": [
                {"Or": [{"Variable": spec.state_path, "StringEquals": s} for s in spec.succeeded],
                 "Next": nxt} if len(spec.succeeded) > 1 else
                {"Variable": spec.state_path, "StringEquals": spec.succeeded[0], "Next": nxt},
                {"Or": [{"Variable": spec.state_path, "StringEquals": s} for s in spec.failed],
                 "Next": failed},
            ],
            "Default": wait,
        },
        failed: {
            "Type": "Pass",
            "Parameters": {"Error": "C360.JobFailed",
                           "Cause.$": f"States.JsonToString({spec.detail_path})"},
            "ResultPath": "$.failure",
            "Next": f"RecordFailure: {step.name}",
        },
    }


def _lambda_states(step: Step, options: Options, nxt: str) -> dict[str, dict[str, Any]]:
    payload = {key.lstrip("-").replace("-", "_"): value for key, value in step.arguments}
    payload.update({"step": step.name, "logical_date.$": "$.logical_date",
                    "run_id.$": "$.run_id"})
    params = {"FunctionName": placeholder(f"lambda_{step.resource}_arn"), "Payload": payload}
    return {step.name: _task(step, "arn:aws:states:::lambda:invoke", params,
                             LAMBDA_RETRY_ERRORS, options, None, nxt)}


def _glue_states(step: Step, options: Options, nxt: str) -> dict[str, dict[str, Any]]:
    exported = exported_inputs(step)
    arguments = _run_arguments(step)
    if exported:
        arguments["--c360-export-prefix.$"] = _format_call(export_prefix(step))
    job = placeholder(f"glue_job_{step.resource}")
    start = _task(step, "arn:aws:states:::glue:startJobRun",
                  {"JobName": job, "Arguments": arguments},
                  GLUE_RETRY_ERRORS, options, "$.job", nxt,
                  result_selector={"JobRunId.$": "$.JobRunId"})
    # Several steps share one job (conform): queueing behind its concurrency limit
    # is expected, so that error gets a longer, separate retrier.
    start["Retry"].insert(0, {
        "ErrorEquals": ["Glue.ConcurrentRunsExceededException"], "IntervalSeconds": 60,
        "MaxAttempts": 20, "BackoffRate": 1.5, "MaxDelaySeconds": 300, "JitterStrategy": "FULL",
    })
    poll = _task(step, "arn:aws:states:::aws-sdk:glue:getJobRun",
                 {"JobName": job, "RunId.$": "$.job.JobRunId"},
                 GLUE_RETRY_ERRORS, options, "$.job.poll", nxt)
    spec = Poll(options.glue_wait_seconds, "$.job.poll.JobRun.JobRunState", "$.job.poll.JobRun",
                ("SUCCEEDED",),
                ("FAILED", "ERROR", "TIMEOUT", "STOPPED"))
    return _job_after_exports(step, exported, start, poll, spec, options, nxt)


def _job_after_exports(step: Step, exported: list[str], start: dict[str, Any],
                       poll: dict[str, Any], spec: Poll, options: Options, nxt: str
                       ) -> dict[str, dict[str, Any]]:
    """The job's start → wait → poll loop, preceded by the step's exports (one Athena
    query loop each) when it has any: the step's first state bears its name, so the job's
    is then `<step>: job`."""
    if not exported:
        return _poll_loop(step, step.name, start, poll, spec, nxt)
    job = f"{step.name}: job"
    labels = [step.name, *(f"{step.name}: export {t}" for t in exported[1:])]
    return {**_athena_query_states(step, labels, [export_statement(step, t) for t in exported],
                                   options, job),
            **_poll_loop(step, job, start, poll, spec, nxt)}


EXPORTS = "_exports"
"""Key prefix in the ANALYTICS bucket under which Athena UNLOADs tables for Glue jobs."""


EXPORTING_KINDS = ("glue_python", "emr_spark")
"""Steps whose job reads tables as Parquet folders (pyarrow, Spark's Parquet reader)."""


def exported_inputs(step: Step) -> list[str]:
    """The Athena-written (Iceberg) tables a Glue Python shell or EMR Spark step reads,
    in its input order: the state machine exports them for the job (see the module
    docstring, *Exports*)."""
    return athena_written(step.inputs) if step.kind in EXPORTING_KINDS else []


def export_prefix(step: Step) -> str:
    """`_exports/<execution name>/<step>`: the key prefix a step's exports are under."""
    return f"{EXPORTS}/{_MARK.format('execution')}/{step.name}"


def export_statement(step: Step, table: str) -> str:
    """`UNLOAD` of the rows of `table` the step reads (its logical date's snapshot when the
    table has `snapshot_date`, else every row) as Parquet under
    `s3://<analytics bucket>/<export prefix>/<table>/`, partitioned like the table's own
    folders (`snapshot_date` is the model's last column, as UNLOAD's `partitioned_by`
    needs)."""
    columns = _output_columns(load_model("athena", table).parse())
    source = f'"{placeholder("analytics_database")}"."{table}"'
    target = f"s3://{placeholder('analytics_bucket')}/{export_prefix(step)}/{table}/"
    options = "format = 'PARQUET', compression = 'SNAPPY'"
    where = ""
    if "snapshot_date" in columns:
        if columns[-1] != "snapshot_date":
            raise AslError(f"{table}: snapshot_date must be the last column to be exported "
                           f"partitioned (columns: {columns})")
        where = f" WHERE snapshot_date = DATE '{_MARK.format('logical_date')}'"
        options += ", partitioned_by = ARRAY['snapshot_date']"
    return f"UNLOAD (SELECT * FROM {source}{where}) TO '{target}' WITH ({options})"


HIVE_SITE: dict[str, Any] = {"Classification": "hive-site", "Properties": {
    # The tables the HiveQL names (`${hivevar:stage_db}.…`) are the Glue catalog's.
    "hive.metastore.client.factory.class":
        "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
    # An EMR Serverless Hive job needs both on S3. Hive's temporary files go under the
    # stage bucket's .staging/ (the EMR role may write it; leftovers expire); no managed
    # table is ever created, every table has its own location.
    "hive.exec.scratchdir": f"s3://{placeholder('stage_bucket')}/.staging/hive-scratch",
    "hive.metastore.warehouse.dir":
        f"s3://{placeholder('analytics_bucket')}/.staging/hive-warehouse",
}}
"""The Hive step's `hive-site` settings (EMR Serverless user guide, *Hive jobs*)."""


def _emr_states(step: Step, options: Options, nxt: str) -> dict[str, dict[str, Any]]:
    bucket, version = placeholder("artifacts_bucket"), placeholder("artifact_version")
    exported = exported_inputs(step)
    args = [f"'{item}'" for pair in step.arguments for item in pair]
    if step.kind == "emr_spark":
        # Where the lake is (c360.dimensions.jobs.parse_step_args; identity's job reads
        # --c360-stage-bucket and ignores the others).
        args += [f"'{item}'" for layer in LAYERS
                 for item in (f"--c360-{layer}-bucket", placeholder(f"{layer}_bucket"))]
    if exported:
        args += ["'--c360-export-prefix'", _format_call(export_prefix(step))]
    argv = ", ".join([*args, "'--logical-date'", "$.logical_date", "'--run-id'", "$.run_id"])
    if step.kind == "emr_hive":
        app = placeholder("emr_hive_application_id")
        driver: dict[str, Any] = {"Hive": {
            "Query": f"s3://{bucket}/jobs/{version}/emr/hive/{step.resource}.hql",
            "Parameters.$": (
                "States.Format('--hivevar logical_date={} --hivevar run_id={} "
                f"--hivevar stage_db={placeholder('stage_database')} "
                f"--hivevar analytics_db={placeholder('analytics_database')}', "
                "$.logical_date, $.run_id)"
            ),
        }}
    else:
        app = placeholder("emr_spark_application_id")
        # c360 and its dependencies are installed in the application's image
        # (jobs/emr/image/Dockerfile), for the Python it runs them with.
        python = " ".join(f"--conf {key}={EMR_PYTHON}" for key in EMR_PYTHON_CONFS)
        driver = {"SparkSubmit": {
            "EntryPoint": f"s3://{bucket}/jobs/{version}/emr/{step.resource}.py",
            "EntryPointArguments.$": f"States.Array({argv})",
            "SparkSubmitParameters": (
                f"{python} "
                f"--conf spark.driver.extraJavaOptions={JIT_HUGE_METHODS} "
                f"--conf spark.executor.extraJavaOptions={JIT_HUGE_METHODS}"),
        }}
    run: dict[str, Any] = {
        "ApplicationId": app,
        "ExecutionRoleArn": placeholder("emr_execution_role_arn"),
        "Name.$": f"States.Format('{step.name}-{{}}', $.run_id)",
        "ClientToken.$": "States.UUID()",
        "JobDriver": driver,
        # Bounded like the Glue jobs, so a stage cannot outlast the run lock's lease
        # (EMR Serverless would let a job run 12 hours); a number, from the placeholder.
        "ExecutionTimeoutMinutes.$": f"States.StringToJson('{placeholder('job_timeout_minutes')}')",
    }
    if step.kind == "emr_hive":
        run["ConfigurationOverrides"] = {"ApplicationConfiguration": [HIVE_SITE]}
    start = _task(step, "arn:aws:states:::emr-serverless:startJobRun", run,
                  EMR_RETRY_ERRORS, options, "$.emr", nxt,
        result_selector={"ApplicationId.$": "$.ApplicationId", "JobRunId.$": "$.JobRunId"})
    poll = _task(step, "arn:aws:states:::aws-sdk:emrserverless:getJobRun",
                 {"ApplicationId.$": "$.emr.ApplicationId", "JobRunId.$": "$.emr.JobRunId"},
                 EMR_RETRY_ERRORS, options, "$.emr.poll", nxt)
    spec = Poll(options.emr_wait_seconds, "$.emr.poll.JobRun.State", "$.emr.poll.JobRun",
                ("SUCCESS",),
                ("FAILED", "CANCELLED"))
    return _job_after_exports(step, exported, start, poll, spec, options, nxt)


# --- Athena: the Trino model as DELETE + INSERT statements ------------------------

_MARK = "@@c360:{}@@"
_PLACEHOLDER_RE = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
_MARK_RE = re.compile(r"@@c360:(\w+)@@")


_FORMAT_TOKEN = re.compile(r"@@c360:(\w+)@@|'")


def _format_call(sql: str) -> str:
    """`sql` with `@@c360:name@@` marks as a `States.Format(...)` call, or `sql` if unmarked.

    Every mark and every single quote becomes a `{}` argument (`$.name`, or
    `$.quote`, a `'` the run carries): the template then needs no escaping,
    which keeps it readable and within what every ASL interpreter parses alike
    (moto's mis-reads an escaped quote). SQL with `{`, `}` or `\\` is refused.
    """
    if not _MARK_RE.search(sql):
        return sql
    if any(c in _PLACEHOLDER_RE.sub("", sql) for c in "{}\\"):
        raise AslError(f"SQL with braces or backslashes cannot be templated: {sql[:80]}")
    args = [f"$.{m.group(1)}" if m.group(1) else "$.quote" for m in _FORMAT_TOKEN.finditer(sql)]
    template = _FORMAT_TOKEN.sub("{}", sql)
    return f"States.Format('{template}', {', '.join(args)})"


def _output_columns(tree: exp.Expr) -> list[str]:
    """Column names a model produces, following `select * from <cte>` to that CTE (and a
    UNION to its first branch, whose names the union's rows take)."""
    if not isinstance(tree, exp.Select):
        return []
    ctes = {cte.alias_or_name: cte.this for cte in tree.find_all(exp.CTE)}
    query: exp.Expression = tree
    for _ in range(2 * len(ctes) + 1):
        if isinstance(query, exp.Union):
            query = query.args["this"]  # the left branch
            continue
        selects = query.selects if isinstance(query, exp.Select) else []
        source = query.args.get("from_") or query.args.get("from")
        if (len(selects) == 1 and isinstance(selects[0], exp.Star) and source is not None
                and isinstance(source.this, exp.Table) and source.this.name in ctes):
            query = ctes[source.this.name]
            continue
        return [s.alias_or_name for s in selects]
    return []


def athena_statements(table: str) -> list[str]:
    """DELETE (the partition, or all rows) then INSERT the model's SELECT.

    Rerunning a logical date replaces its output (ARCHITECTURE §7); Athena can
    delete rows only from Iceberg tables, so the ANALYTICS tables that Athena
    writes are Iceberg tables. Parameters stay as `@@c360:name@@` marks.
    A model that reads its own previous rows (`SELF_READING`) DELETEs only the rows a
    rerun replaces, then MERGEs its SELECT on its keys (`_merge_statements`).
    """
    model = load_model("athena", table)
    tree = model.parse()
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for node in tree.find_all(exp.Table):
        if node.name and node.name not in ctes and not node.args.get("db"):
            database = "stage_database" if layer_of(node.name) == "stage" else "analytics_database"
            node.set("db", exp.to_identifier(placeholder(database), quoted=True))
    for mark in list(tree.find_all(exp.Placeholder)):
        mark.replace(exp.Literal.string(_MARK.format(mark.name)))
    target = f'"{placeholder("analytics_database")}"."{table}"'
    if table in SELF_READING:
        return _merge_statements(target, tree, *SELF_READING[table])
    if "snapshot_date" in _output_columns(tree):
        delete = f"DELETE FROM {target} WHERE snapshot_date = DATE '{_MARK.format('logical_date')}'"
    else:
        delete = f"DELETE FROM {target}"
    return [delete, f"INSERT INTO {target} {tree.sql(dialect='trino', comments=False)}"]


SELF_READING: dict[str, tuple[tuple[str, ...], str]] = {
    HISTORY_TABLE: (HISTORY_KEYS, HISTORY_REWOUND_FROM),
}
"""Athena models that read their own table → (keys, date column of the rows a rerun of
a logical date replaces: those from that date on)."""


def _merge_statements(target: str, tree: exp.Expr, keys: tuple[str, ...],
                      rewound_from: str) -> list[str]:
    """DELETE the rows a rerun replaces, then MERGE the model's rows on `keys`."""
    columns = _output_columns(tree)
    missing = [k for k in (*keys, rewound_from) if k not in columns]
    if not columns or missing:
        raise AslError(f"{target}: the model's output columns {columns} lack {missing}")
    day = f"DATE '{_MARK.format('logical_date')}'"
    on = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    update = ", ".join(f"{c} = s.{c}" for c in columns if c not in keys)
    merge = (f"MERGE INTO {target} AS t USING ({tree.sql(dialect='trino', comments=False)}) "
             f"AS s ON {on} WHEN MATCHED THEN UPDATE SET {update} "
             f"WHEN NOT MATCHED THEN INSERT ({', '.join(columns)}) "
             f"VALUES ({', '.join(f's.{c}' for c in columns)})")
    return [f"DELETE FROM {target} WHERE {rewound_from} >= {day}", merge]


def _athena_states(step: Step, options: Options, nxt: str) -> dict[str, dict[str, Any]]:
    statements = athena_statements(step.name)
    # The step's first state bears its name; the second says what it runs (insert/merge).
    labels = [step.name, f"{step.name}: {statements[1].split(' ', 1)[0].lower()}"]
    return _athena_query_states(step, labels, statements, options, nxt)


def _athena_query_states(step: Step, labels: list[str], statements: list[str],
                         options: Options, nxt: str) -> dict[str, dict[str, Any]]:
    """One start → wait → poll loop per statement, run one after the other, then `nxt`."""
    states: dict[str, dict[str, Any]] = {}
    spec = Poll(options.athena_wait_seconds, "$.query.poll.QueryExecution.Status.State",
                "$.query.poll.QueryExecution.Status", ("SUCCEEDED",), ("FAILED", "CANCELLED"))
    for i, (label, sql) in enumerate(zip(labels, statements, strict=True)):
        after = labels[i + 1] if i + 1 < len(labels) else nxt
        query = _format_call(sql)
        params: dict[str, Any] = {
            "QueryString.$" if query != sql else "QueryString": query,
            "WorkGroup": placeholder("athena_workgroup"),
            "QueryExecutionContext": {"Database": placeholder("analytics_database")},
        }
        start = _task(step, "arn:aws:states:::athena:startQueryExecution", params,
                      ATHENA_RETRY_ERRORS, options, "$.query", after,
                      result_selector={"QueryExecutionId.$": "$.QueryExecutionId"})
        poll = _task(step, "arn:aws:states:::athena:getQueryExecution",
                     {"QueryExecutionId.$": "$.query.QueryExecutionId"},
                     ATHENA_RETRY_ERRORS, options, "$.query.poll", after)
        states.update(_poll_loop(step, label, start, poll, spec, after))
    return states


_BUILDERS = {
    "lambda": _lambda_states,
    "glue_spark": _glue_states,
    "glue_python": _glue_states,
    "emr_spark": _emr_states,
    "emr_hive": _emr_states,
    "athena": _athena_states,
}


def _record_failure(where: str, schedule: str, options: Options, failed: str
                    ) -> dict[str, Any]:
    """An SNS alert carrying the state data (with `$.failure`), then `failed` (a Fail state)."""
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::sns:publish",
        "Parameters": {
            "TopicArn": placeholder("alerts_topic_arn"),
            "Subject": f"c360 {schedule} run failed at {where}"[:100],
            "Message.$": "States.JsonToString($)",
            "MessageAttributes": {
                "step": {"DataType": "String", "StringValue": where},
                "execution": {"DataType": "String", "StringValue.$": "$$.Execution.Id"},
            },
        },
        "ResultPath": None,
        "Retry": _retry(SNS_RETRY_ERRORS, options),
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.alert_failure",
                   "Next": failed}],
        "Next": failed,
    }


def _fail() -> dict[str, Any]:
    return {"Type": "Fail", "Error": STEP_FAILED, "CausePath": "$.failure.Cause"}


def step_states(step: Step, schedule: str, options: Options, nxt: str, failed: str
                ) -> dict[str, dict[str, Any]]:
    """All states of one step: its integration, then its failure path."""
    builder = _BUILDERS.get(step.kind)
    if builder is None:
        raise AslError(f"step {step.name}: no Step Functions integration for kind {step.kind!r}")
    if not step.resource:
        raise AslError(f"step {step.name}: no resource declared")
    states = builder(step, options, nxt)
    states[f"RecordFailure: {step.name}"] = _record_failure(step.name, schedule, options, failed)
    return states


def stages(steps: list[Step]) -> list[list[Step]]:
    """Steps grouped so that each reads only tables produced in earlier stages."""
    producer = {out: s.name for s in steps for out in s.outputs}
    level: dict[str, int] = {}
    pending = list(steps)
    while pending:
        progressed = False
        for step in list(pending):
            deps = [producer[i] for i in step.inputs if i in producer and producer[i] != step.name]
            if all(d in level for d in deps):
                level[step.name] = 1 + max((level[d] for d in deps), default=-1)
                pending.remove(step)
                progressed = True
        if not progressed:
            raise AslError("dependency cycle among: " + ", ".join(s.name for s in pending))
    grouped: list[list[Step]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for step in steps:
        grouped[level[step.name]].append(step)
    return grouped


def state_machine(steps: Iterable[Step], schedule: Schedule | str,
                  options: Options | None = None) -> dict[str, Any]:
    """The definition of one schedule's state machine (placeholders unrendered)."""
    options = options or Options()
    chosen = steps_for(list(steps), schedule)  # type: ignore[arg-type]
    if not chosen:
        raise AslError(f"no step runs on schedule {schedule!r}")
    grouped = stages(chosen)
    names = [f"Stage {i + 1} of {len(grouped)}" if len(g) > 1 else g[0].name
             for i, g in enumerate(grouped)]
    states = _run_start_states(schedule, options, names[0])
    for following in names[1:]:
        states[_renew_name(following)] = _renew(following, options)
    if len(names) > 1:
        states[f"RecordFailure: {RENEW}"] = _record_failure(RENEW, schedule, options,
                                                            RELEASE_AFTER_FAILURE)
    for i, group in enumerate(grouped):
        nxt = _renew_name(names[i + 1]) if i + 1 < len(grouped) else FINISH
        if len(group) == 1:
            states.update(step_states(group[0], schedule, options, nxt, RELEASE_AFTER_FAILURE))
            continue
        branches = []
        for step in group:
            failed = f"Failed: {step.name}"
            branch_states = step_states(step, schedule, options, f"Done: {step.name}", failed)
            branch_states[f"Done: {step.name}"] = {"Type": "Succeed"}
            branch_states[failed] = _fail()
            branches.append({"StartAt": step.name, "States": branch_states})
        states[names[i]] = {
            "Type": "Parallel",
            "Comment": "Steps of this stage read only tables of earlier stages.",
            "Branches": branches,
            "ResultPath": None,
            "Catch": [
                {"ErrorEquals": [STEP_FAILED], "ResultPath": "$.failure",
                 "Next": RELEASE_AFTER_FAILURE},
                {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure",
                 "Next": "RecordFailure"},
            ],
            "Next": nxt,
        }
    states["RecordFailure"] = _record_failure("run", schedule, options, RELEASE_AFTER_FAILURE)
    states.update(_run_end_states(schedule, options))
    return {
        "Comment": f"c360 {schedule} pipeline, generated from c360.pipeline by "
                   "c360.orchestration.asl: do not edit.",
        "StartAt": START,
        "States": states,
    }


def _run_control(action: str, options: Options, parameters: dict[str, Any], nxt: str,
                 catch: list[dict[str, Any]], comment: str = "", result_path: str | None = None,
                 result_selector: dict[str, str] | None = None,
                 retry: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A call of the run_control Lambda (`c360.orchestration.run_control`)."""
    state: dict[str, Any] = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke"}
    if comment:
        state["Comment"] = comment
    state["Parameters"] = {"FunctionName": placeholder("lambda_run_control_arn"),
                           "Payload": {"action": action, **parameters,
                                       "execution.$": "$$.Execution.Name"}}
    if result_selector:
        state["ResultSelector"] = result_selector
    state.update({"ResultPath": result_path,
                  "Retry": [*(retry or []), *_retry(LAMBDA_RETRY_ERRORS, options)],
                  "Catch": catch, "Next": nxt})
    return state


def _renew_name(stage: str) -> str:
    return f"{RENEW} before {stage}"


def _renew(stage: str, options: Options) -> dict[str, Any]:
    """Extend the run lock's lease from now, before `stage`: the lease then has to
    outlast one stage, not the whole run. A run whose lease ran out and whose lock
    another run took (`RunLockLost`) stops here, as does one whose renewal fails."""
    return _run_control(
        "renew", options, {"run": _run_fields("$"), "stage": stage}, stage,
        comment="Extends the run lock's lease from now (c360.orchestration.run_control); "
                "RunLockLost if its lease ran out and another run took the lock.",
        catch=_catch(RENEW))


def _run_start_states(schedule: str, options: Options, first: str) -> dict[str, dict[str, Any]]:
    """The run's logical date and id (given, or derived from the scheduler's
    `scheduled_time`) and the environment's run lock, then the run context every
    step reads: `logical_date`, `run_id`, `lock_token`, `quote` (fills the SQL quotes
    of Athena statement templates) and `execution` (names the run's Athena exports)."""
    failure = _catch(START)
    skip = schedule in SKIP_WHEN_LOCKED
    start = _run_control(
        "start", options, {"schedule": schedule, "input.$": "$"}, CONTEXT,
        comment="The logical date (the input's, or derived from the scheduler's "
                "scheduled_time) and the run id <schedule>-<date>, as in the local runner; "
                "takes the environment's run lock (c360.orchestration.run_control).",
        result_path="$.run",
        result_selector=_run_fields("$.Payload"),
        retry=[] if skip else [{"ErrorEquals": [LOCK_HELD],
                                "IntervalSeconds": options.lock_wait_interval_seconds,
                                "MaxAttempts": options.lock_wait_attempts, "BackoffRate": 1.0}],
        catch=[{"ErrorEquals": [LOCK_HELD], "ResultPath": "$.lock_held", "Next": SKIPPED},
               *failure] if skip else failure)
    states: dict[str, dict[str, Any]] = {
        START: start,
        f"RecordFailure: {START}": _record_failure(START, schedule, options, NOT_STARTED),
        NOT_STARTED: _fail(),
        CONTEXT: {
            "Type": "Pass",
            "Comment": "What every step reads: the run's logical date and id, the lock token "
                       "Finish run gives back, `quote` (fills the SQL quotes of Athena "
                       "statement templates) and `execution` (names the run's Athena exports).",
            "Parameters": {**_run_fields("$.run"), "quote": "'",
                           "execution.$": "$$.Execution.Name"},
            "Next": first,
        },
    }
    if skip:
        states[SKIPPED] = {"Type": "Succeed", "Comment": "Another run of the environment "
                           "holds the run lock: the next hourly run lands this hour's data."}
    return states


def _run_end_states(schedule: str, options: Options) -> dict[str, dict[str, Any]]:
    """The run lock given back after the last stage, and after any failure."""
    run = _run_fields("$")
    finish = _run_control("finish", options, {"outcome": "succeeded", "run": run}, SUCCEEDED,
                          catch=_catch(FINISH))
    release = _run_control("finish", options, {"outcome": "failed", "run": run}, FAILED,
                           comment="The run failed (its alert is sent): the lock is given "
                                   "back; if that fails too, its lease frees it.",
                           catch=[{"ErrorEquals": ["States.ALL"],
                                   "ResultPath": "$.release_failure", "Next": FAILED}])
    return {
        FINISH: finish,
        f"RecordFailure: {FINISH}": _record_failure(FINISH, schedule, options, FAILED),
        RELEASE_AFTER_FAILURE: release,
        FAILED: _fail(),
        SUCCEEDED: {"Type": "Succeed"},
    }


def orchestrated_steps() -> list[Step]:
    """The pipeline declaration plus the AWS-only serving step."""
    from c360.pipeline.steps import build_steps
    from c360.serving.steps import serving_steps

    return [*build_steps(), *serving_steps()]


def to_json(definition: Mapping[str, Any]) -> str:
    return json.dumps(definition, indent=2, ensure_ascii=False) + "\n"


def generate_all(steps: list[Step] | None = None, options: Options | None = None
                 ) -> dict[str, str]:
    """File name → definition text for every schedule."""
    steps = orchestrated_steps() if steps is None else steps
    return {f"{s}.asl.json": to_json(state_machine(steps, s, options)) for s in SCHEDULES}


def placeholders_in(text: str) -> set[str]:
    return set(_PLACEHOLDER_RE.findall(text))


def render(text: str, values: Mapping[str, str]) -> str:
    """Fill `${name}` placeholders (what Terraform's templatefile does); all must be given."""
    missing = placeholders_in(text) - set(values)
    if missing:
        raise AslError(f"no value for placeholder(s): {', '.join(sorted(missing))}")
    return _PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate stepfunctions/*.asl.json")
    parser.add_argument("--out", type=Path, default=Path("stepfunctions"))
    parser.add_argument("--check", action="store_true",
                        help="fail if the committed files differ from the generated ones")
    args = parser.parse_args(argv)
    stale = []
    for name, text in generate_all().items():
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    if stale:
        print("stale (run `make stepfunctions`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
