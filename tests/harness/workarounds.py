"""Every place the harness bends moto, each named after the moto limit it works around.

Applied only inside the emulator process (`server.py`), never in production
code. moto is pinned to 5.2.5: these patch its internals, so a moto upgrade
must re-run `tests/integration` (they fail loudly if an attribute moved).

| name                          | moto limit (5.2.5)                                            |
|-------------------------------|---------------------------------------------------------------|
| LAMBDA_INVOKE_WITHOUT_DOCKER  | `Invoke` runs handlers only in Docker                         |
| SFN_EXECUTE_STATE_MACHINE     | Step Functions interprets ASL only with this config switch    |
| SFN_VALIDATE_AND_VERSIONS     | no `ValidateStateMachineDefinition`/`ListStateMachineVersions` |
|                               | (the Terraform AWS provider >= 5.67 calls both)               |
| SFN_AWS_SDK_RESULTS_AS_JSON   | `aws-sdk:*` task results keep Python datetimes, which JSON    |
|                               | intrinsics (`States.JsonToString`) cannot serialize           |
| SFN_ATHENA_TASKS              | the optimized `athena:startQueryExecution`/`getQueryExecution`|
|                               | tasks are "unsupported": forwarded raw, their datetimes break |
|                               | DescribeExecution (500)                                       |
| GLUE_PYTHONSHELL_RUNS_SCRIPT  | Glue job runs never run their script; they always SUCCEED     |
| S3_LOGGING_TARGET_POLICY      | `PutBucketLogging` demands a bucket policy whose `Resource`   |
|                               | equals one of three exact strings, at call time               |
| S3_LIST_VERSIONS_URL_ENCODING | `ListObjectVersions` ignores `encoding-type=url`: clients     |
|                               | decode raw keys, `+` becomes a space (force_destroy loops)    |
| LAMBDA_S3_CODE_MUST_EXIST     | a function whose S3 zip is missing is created with empty code |
| GLUE_DELETE_CONNECTION        | no `DeleteConnection` (500): `destroy` of a Glue connection   |
| KMS_ROTATION_PERIOD           | `RotationPeriodInDays` is neither kept nor returned: a key    |
|                               | with `rotation_period_in_days` shows a diff after every apply |
| EMR_SERVERLESS_APP_CREATED    | a new EMR Serverless application is STARTED, not CREATED:     |
|                               | Terraform's create wait fails and DeleteApplication refuses   |
| SECRETS_CREATE_IDEMPOTENT     | a `CreateSecret` without a value, retried with the same       |
|                               | `ClientRequestToken`, fails with ResourceExistsException      |
| SDK_RETRY_GETS_FIRST_ANSWER   | an SDK's retry of a call the emulator already carried out     |
|                               | (its answer lost) runs it again: a create is refused as       |
|                               | "already exists" (a WSGI layer, not a patch of moto)          |
"""

from __future__ import annotations

import json
import logging
import re
import shlex
import sys
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path
from typing import Any

from . import runtime

log = logging.getLogger("c360.harness")

APPLIED: list[str] = []
"""Names of the workarounds in force (printed by `python -m tests.harness`)."""


class _Context:
    """Where the emulator listens, and a scratch folder for unpacked artifacts."""

    endpoint = ""
    region = "us-east-1"
    scratch = Path(tempfile.gettempdir())


CONTEXT = _Context()


def _s3_bytes(uri: str) -> bytes:
    """An object from the emulator's own S3 (through its endpoint, like AWS would read it)."""
    import boto3

    bucket, _, key = uri[len("s3://"):].partition("/")
    client = boto3.client("s3", endpoint_url=CONTEXT.endpoint, region_name=CONTEXT.region,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


# --- LAMBDA_INVOKE_WITHOUT_DOCKER -------------------------------------------------
# moto's LambdaFunction._invoke_lambda(event) starts a Docker container and
# returns (payload, errored, logs); it is the only place moto needs Docker.
# Replacement: unpack the deployed zip (moto keeps its bytes in `code_bytes`)
# and run its handler in a child Python that sees only the zip and the
# libraries of the Lambda runtime, with the function's environment and the
# emulator endpoint. Step Functions `lambda:invoke` tasks go through the same
# path, so they run the real artifact too.

def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
    self.logs_backend.ensure_log_group(self.logs_group_name)  # as moto's own does first
    code_dir = CONTEXT.scratch / "lambda" / self.code_digest.replace(":", "_")
    if not code_dir.is_dir():
        tmp = code_dir.with_suffix(".partial")
        with zipfile.ZipFile(BytesIO(self.code_bytes)) as zf:
            zf.extractall(tmp)
        tmp.rename(code_dir)
    env = runtime.base_environment(CONTEXT.endpoint, self.region)
    env.update({
        "AWS_LAMBDA_FUNCTION_NAME": self.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": str(self.version),
        "C360_EMULATOR_FUNCTION_ARN": self.function_arn,
    })
    env.update({k: str(v) for k, v in self.environment_vars.items()})
    payload = event if isinstance(event, str) else json.dumps(event or {})
    libraries = runtime.runtime_dir(runtime.LAMBDA_LIBRARIES, CONTEXT.scratch)
    code, result, logs = runtime.run_python(
        "handler", [code_dir], libraries, self.handler, payload, env,
        timeout=float(self.timeout))
    self.save_logs(logs)
    if code == -1:
        result = json.dumps({"errorMessage": f"Task timed out after {self.timeout} seconds",
                             "errorType": "Sandbox.Timedout"})
    return result or "null", code != 0, logs


def lambda_invoke_without_docker() -> None:
    from moto.awslambda.models import LambdaFunction

    LambdaFunction._invoke_lambda = _invoke_lambda  # type: ignore[method-assign]
    APPLIED.append("LAMBDA_INVOKE_WITHOUT_DOCKER")


# --- SFN_EXECUTE_STATE_MACHINE ----------------------------------------------------
# moto only records executions unless `stepfunctions.execute_state_machine` is
# on; then its ASL interpreter runs them, calling services through
# http://localhost:$MOTO_PORT (server.py sets MOTO_PORT to the real port).

def sfn_execute_state_machine() -> None:
    from moto.core.config import default_user_config

    default_user_config["stepfunctions"] = {"execute_state_machine": True}
    APPLIED.append("SFN_EXECUTE_STATE_MACHINE")


# --- SFN_VALIDATE_AND_VERSIONS ----------------------------------------------------
# The Terraform AWS provider (>= 5.67) calls ValidateStateMachineDefinition on
# plan and ListStateMachineVersions on read; moto implements neither. The
# validation answer parses the definition with moto's own ASL parser, so a
# definition moto cannot run is reported as FAIL rather than waved through.

def _validate_state_machine_definition(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    try:
        AmazonStateLanguageParser.parse(self._get_param("definition"))
    except Exception as exc:  # the parser raises several types; all mean "invalid"
        return ActionResult({"result": "FAIL", "diagnostics": [
            {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": str(exc)[:500]}
        ]})
    return ActionResult({"result": "OK", "diagnostics": []})


def _list_state_machine_versions(self: Any) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult({"stateMachineVersions": []})


def sfn_validate_and_versions() -> None:
    from moto.stepfunctions.responses import StepFunctionResponse

    StepFunctionResponse.validate_state_machine_definition = (  # type: ignore[attr-defined]
        _validate_state_machine_definition)
    StepFunctionResponse.list_state_machine_versions = (  # type: ignore[attr-defined]
        _list_state_machine_versions)
    APPLIED.append("SFN_VALIDATE_AND_VERSIONS")


# --- SFN_AWS_SDK_RESULTS_AS_JSON -------------------------------------------------
# Step Functions hands an `aws-sdk:` task's result to the next state as JSON
# (timestamps as strings). moto passes boto3's parsed response through, so a
# `States.JsonToString($.job.poll.JobRun)` fails on its datetime fields with
# States.Runtime. The result is converted the way AWS would deliver it.

def _as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.isoformat()
                                 if hasattr(v, "isoformat") else str(v)))


def sfn_aws_sdk_results_as_json() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_aws_sdk as module,
    )

    original = module.StateTaskServiceAwsSdk._eval_service_task

    def _eval_service_task(self: Any, env: Any, *args: Any, **kwargs: Any) -> None:
        original(self, env, *args, **kwargs)
        env.stack.append(_as_json(env.stack.pop()))

    module.StateTaskServiceAwsSdk._eval_service_task = _eval_service_task  # type: ignore[method-assign]
    APPLIED.append("SFN_AWS_SDK_RESULTS_AS_JSON")


# --- SFN_ATHENA_TASKS -------------------------------------------------------------
# moto's parser lists "athena" in `_UNSUPPORTED_SERVICE_NAMES`
# (state_task_service_factory.py), so `arn:aws:states:::athena:<action>` gets a
# StateTaskServiceUnsupported: it forwards the call but keeps boto3's datetimes
# (getQueryExecution's Status.SubmissionDateTime), and the execution's output
# cannot be serialized (DescribeExecution answers 500). The request-response
# Athena integration takes the API's own Parameters and returns its response,
# exactly what `aws-sdk:athena:<action>` does, so "athena" tasks are run by
# moto's StateTaskServiceAwsSdk (and get SFN_AWS_SDK_RESULTS_AS_JSON), with the
# resource type AWS reports ("athena"). Like aws-sdk, no `.sync` (only
# `.waitForTaskToken`): poll with getQueryExecution. moto's Athena runs no SQL:
# a query is QUEUED -> RUNNING -> SUCCEEDED, and with moto's default
# `athena::execution` transition ("immediate") getQueryExecution always answers
# Status.State SUCCEEDED (and `Query` is the QueryString as sent).

def sfn_athena_tasks() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import (
        state_task_factory,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_factory as factory,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk import (  # noqa: E501
        StateTaskServiceAwsSdk,
    )

    original = factory.state_task_service_for
    if state_task_factory.state_task_service_for is not original:
        raise RuntimeError("moto's state_task_factory no longer calls state_task_service_for")
    factory._UNSUPPORTED_SERVICE_NAMES.remove("athena")  # KeyError if moto changed it

    class StateTaskServiceAthena(StateTaskServiceAwsSdk):
        def _get_sfn_resource_type(self) -> str:
            return str(self.resource.service_name)

    def state_task_service_for(service_name: str) -> Any:
        if service_name == "athena":
            return StateTaskServiceAthena()
        return original(service_name)

    factory.state_task_service_for = state_task_service_for
    state_task_factory.state_task_service_for = state_task_service_for
    APPLIED.append("SFN_ATHENA_TASKS")


# --- GLUE_PYTHONSHELL_RUNS_SCRIPT -------------------------------------------------
# moto's Glue job runs go STARTING -> RUNNING -> SUCCEEDED without running
# anything, so a state machine's Glue poll loop never sees a failure. For
# `pythonshell` jobs the harness runs the real script from its S3
# ScriptLocation, with the wheels of `--extra-py-files` on its path and the
# libraries of Glue's Python shell `analytics` set, in a background thread:
# the run is RUNNING until the script ends, then SUCCEEDED or FAILED (with
# ErrorMessage). Spark (`glueetl`) jobs keep moto's behaviour: they never run.
# The script runs on the harness's Python, not 3.9; what Glue's pip would refuse
# is refused here too: a wheel whose Requires-Python excludes 3.9 fails the run
# (vermin keeps the shell wheel's modules 3.9-compatible, tests/unit).



def _run_pythonshell(job: Any, run: Any) -> None:
    folder = Path(tempfile.mkdtemp(prefix=f"glue-{run.job_run_id[:12]}-", dir=CONTEXT.scratch))
    try:
        script = folder / "script.py"
        script.write_bytes(_s3_bytes(job.command["ScriptLocation"]))
        arguments = dict(run.arguments or {})
        code_path = []
        for n, uri in enumerate(filter(None, arguments.get("--extra-py-files", "").split(","))):
            target = folder / f"py{n}"
            with zipfile.ZipFile(BytesIO(_s3_bytes(uri.strip()))) as zf:
                refused = _pip_refuses_on_python_shell(zf)
                if refused:
                    _finish(run, "FAILED", f"{uri.strip().rsplit('/', 1)[-1]}: {refused}")
                    return
                zf.extractall(target)
            code_path.append(target)
        argv = [item for key, value in sorted(arguments.items()) for item in (key, str(value))]
        argv += ["--JOB_NAME", job.name, "--JOB_RUN_ID", run.job_run_id]
        env = runtime.base_environment(CONTEXT.endpoint, CONTEXT.region)
        libraries = runtime.runtime_dir(runtime.GLUE_PYTHONSHELL_LIBRARIES, CONTEXT.scratch)
        code, _, logs = runtime.run_python(
            "script", code_path, libraries, str(script), json.dumps(argv), env,
            timeout=60.0 * (job.timeout or 10))
        run.c360_logs = logs
        if code == 0:
            _finish(run, "SUCCEEDED")
        else:
            last = [line for line in logs.strip().splitlines() if line.strip()][-1:] or ["?"]
            _finish(run, "TIMEOUT" if code == -1 else "FAILED", last[0][:1000])
        log.info("glue %s %s: %s (%s)", job.name, run.job_run_id, run.status,
                 shlex.join(argv)[:200])
    except Exception as exc:  # the run must end whatever went wrong in the harness
        _finish(run, "FAILED", f"harness could not run the script: {exc}")


GLUE_PYTHONSHELL_VERSION = "3.9"


def _pip_refuses_on_python_shell(wheel: zipfile.ZipFile) -> str:
    """pip's refusal of a wheel on Glue's Python shell (3.9), or "" when it installs."""
    from packaging.specifiers import SpecifierSet

    metadata = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    if not metadata:
        return ""
    for line in wheel.read(metadata[0]).decode("utf-8").splitlines():
        if line.startswith("Requires-Python:"):
            spec = line.split(":", 1)[1].strip()
            if GLUE_PYTHONSHELL_VERSION not in SpecifierSet(spec):
                return (f"requires a different Python: {GLUE_PYTHONSHELL_VERSION} "
                        f"not in {spec!r} (pip on Glue's Python shell refuses it)")
    return ""


def _finish(run: Any, state: str, message: str = "") -> None:
    run.c360_error = message
    run._transitions = [(state, state)]
    run.status = state


def glue_pythonshell_runs_script() -> None:
    from moto.glue.models import FakeJob, FakeJobRun

    original_start = FakeJob.start_job_run
    original_as_dict = FakeJobRun.as_dict

    def start_job_run(self: Any, *args: Any, **kwargs: Any) -> str:
        run_id = original_start(self, *args, **kwargs)
        if (self.command or {}).get("Name") == "pythonshell":
            run = next(r for r in self.job_runs if r.job_run_id == run_id)
            run._transitions = [("RUNNING", "RUNNING")]
            run.status = "RUNNING"
            threading.Thread(target=_run_pythonshell, args=(self, run), daemon=True,
                             name=f"glue-{run_id[:12]}").start()
        return run_id

    def as_dict(self: Any) -> dict[str, Any]:
        answer = original_as_dict(self)
        if getattr(self, "c360_error", ""):
            answer["ErrorMessage"] = self.c360_error
        return answer

    FakeJob.start_job_run = start_job_run  # type: ignore[method-assign]
    FakeJobRun.as_dict = as_dict  # type: ignore[method-assign]
    APPLIED.append("GLUE_PYTHONSHELL_RUNS_SCRIPT")


# --- S3_LOGGING_TARGET_POLICY ----------------------------------------------------
# moto's FakeBucket.set_logging rejects PutBucketLogging with
# InvalidTargetBucketForLogging unless, at that moment, the target bucket's
# policy has a statement for `logging.s3.amazonaws.com` whose `Resource` is
# literally `<target>/<prefix>*`, `<target>/*` or `<target>` (or an ACL grants
# the LogDelivery group). A covering wildcard such as `<logs>/s3/*` for prefix
# `s3/<bucket>/` is refused (moto compares strings, it does not match ARNs;
# see getmoto/moto#7427), and so is logging configured before the policy
# lands. LocalStack removed this check after comparing with AWS
# (localstack/localstack#8654). The permission check is skipped; moto's other
# checks (target exists, same region) stay.

def s3_logging_target_policy() -> None:
    from moto.s3.models import FakeBucket

    FakeBucket._log_permissions_enabled_policy = staticmethod(  # type: ignore[method-assign]
        lambda target_bucket, target_prefix: True)
    APPLIED.append("S3_LOGGING_TARGET_POLICY")


# --- S3_LIST_VERSIONS_URL_ENCODING ------------------------------------------------
# Clients list object versions with `encoding-type=url` and URL-decode the keys
# they get back: the Terraform AWS provider does so unconditionally when it
# empties a bucket for `force_destroy` (`url.QueryUnescape`), botocore when the
# answer says `EncodingType=url`. moto's S3Response.list_object_versions ignores
# the parameter and returns raw keys, so a key with `+` (every artifact key:
# versions look like `0.1.0+abc1234`) is decoded to one with a space, the
# delete misses, and `destroy` loops forever on the non-empty bucket. The
# answer is URL-encoded as S3 does (keys, prefixes, markers, delimiter).

def _url_encode_versions_listing(result: dict[str, Any]) -> None:
    from urllib.parse import quote

    for entry in [*result.get("Versions", []), *result.get("DeleteMarkers", [])]:
        entry["Key"] = quote(entry["Key"])
    for entry in result.get("CommonPrefixes", []):
        entry["Prefix"] = quote(entry["Prefix"])
    for field in ("Prefix", "KeyMarker", "NextKeyMarker", "Delimiter"):
        if result.get(field):
            result[field] = quote(result[field])
    result["EncodingType"] = "url"


def s3_list_versions_url_encoding() -> None:
    from moto.s3.responses import S3Response

    original = S3Response.list_object_versions

    def list_object_versions(self: Any) -> Any:
        if self.querystring.get("encoding-type", [None])[0] != "url":
            return original(self)
        serialize = self.serialized

        def serialized(action_result: Any) -> Any:
            _url_encode_versions_listing(action_result.result)
            return serialize(action_result)

        self.serialized = serialized
        try:
            return original(self)
        finally:
            del self.serialized

    S3Response.list_object_versions = list_object_versions  # type: ignore[method-assign]
    APPLIED.append("S3_LIST_VERSIONS_URL_ENCODING")


# --- LAMBDA_S3_CODE_MUST_EXIST ----------------------------------------------------
# AWS refuses CreateFunction/UpdateFunctionCode when S3Bucket/S3Key names no
# object (InvalidParameterValueException, "... S3 Error Code: NoSuchKey").
# moto's `_validate_s3_bucket_and_key` expects S3 to raise MissingKey, but its
# S3 backend returns None, so the function is created with empty code
# (CodeSize 0) and a deployment that forgot an artifact looks fine. The check
# AWS makes is restored (moto's VALIDATE_LAMBDA_S3=false still switches it off).

def lambda_s3_code_must_exist() -> None:
    from moto.awslambda import models
    from moto.awslambda.exceptions import InvalidParameterValueException

    original = models._validate_s3_bucket_and_key

    def validate(account_id: str, partition: str, data: dict[str, Any]) -> Any:
        key = original(account_id, partition=partition, data=data)
        if key is None and models.do_validate_s3():
            raise InvalidParameterValueException(
                "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: "
                f"The specified key does not exist. (s3://{data.get('S3Bucket')}/"
                f"{data.get('S3Key')})")
        return key

    models._validate_s3_bucket_and_key = validate
    APPLIED.append("LAMBDA_S3_CODE_MUST_EXIST")


# --- GLUE_DELETE_CONNECTION -------------------------------------------------------
# moto's Glue implements CreateConnection/GetConnection(s) but not
# DeleteConnection: the call answers 500 (an HTML page), so `terraform destroy`
# of an `aws_glue_connection` fails. The answer AWS gives is added: the
# connection is removed, or EntityNotFoundException when there is none.

def _delete_glue_connection(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.glue.exceptions import EntityNotFoundException

    name = self._get_param("ConnectionName")
    if self.glue_backend.connections.pop(name, None) is None:
        raise EntityNotFoundException(f"Connection {name} not found")
    return ActionResult({})


def glue_delete_connection() -> None:
    from moto.glue.responses import GlueResponse

    GlueResponse.delete_connection = _delete_glue_connection  # type: ignore[attr-defined]
    APPLIED.append("GLUE_DELETE_CONNECTION")


# --- KMS_ROTATION_PERIOD ----------------------------------------------------------
# EnableKeyRotation takes `RotationPeriodInDays` (90-2560, default 365) and
# GetKeyRotationStatus returns it while rotation is on. moto's KMS drops it, so
# the provider reads 0 back and plans `rotation_period_in_days = 0 -> 365` on
# every apply after the key exists. The period is kept on moto's key object
# and returned as AWS does.

def kms_rotation_period() -> None:
    from moto.kms.responses import KmsResponse

    original_enable = KmsResponse.enable_key_rotation
    original_status = KmsResponse.get_key_rotation_status

    def enable_key_rotation(self: Any) -> str:
        answer = original_enable(self)
        key = self.kms_backend.describe_key(self._get_param("KeyId"))
        key.c360_rotation_period_in_days = int(self._get_param("RotationPeriodInDays") or 365)
        return answer

    def get_key_rotation_status(self: Any) -> str:
        answer = json.loads(original_status(self))
        if answer.get("KeyRotationEnabled"):
            key = self.kms_backend.describe_key(self._get_param("KeyId"))
            answer["RotationPeriodInDays"] = getattr(key, "c360_rotation_period_in_days", 365)
        return json.dumps(answer)

    KmsResponse.enable_key_rotation = enable_key_rotation  # type: ignore[method-assign]
    KmsResponse.get_key_rotation_status = get_key_rotation_status  # type: ignore[method-assign]
    APPLIED.append("KMS_ROTATION_PERIOD")


# --- EMR_SERVERLESS_APP_CREATED ---------------------------------------------------
# In AWS a new EMR Serverless application goes CREATING -> CREATED and starts
# only when asked (or, with auto-start, when a job is submitted). moto creates
# it STARTED (`moto.emrserverless.models.APPLICATION_STATUS`), so the
# Terraform provider's create wait ("wanted target 'CREATED'") fails, and
# DeleteApplication then refuses a STARTED application, so `destroy` fails
# too. New applications are created in the CREATED state; moto's
# StartJobRun does not look at the state, so job runs are unaffected.

def emr_serverless_app_created() -> None:
    from moto.emrserverless import models

    models.APPLICATION_STATUS = "CREATED"
    APPLIED.append("EMR_SERVERLESS_APP_CREATED")


# --- SECRETS_CREATE_IDEMPOTENT -----------------------------------------------------
# `ClientRequestToken` makes CreateSecret idempotent in AWS: the SDK sends the
# same token when it retries a request whose answer it never got (a dropped
# connection, a 5xx), and AWS answers the retry with the secret the first
# attempt created. moto matches the token only against the secret's versions,
# and a secret created without a value (the Terraform provider's
# `aws_secretsmanager_secret`; the value comes with `_secret_version`) has
# none, so the retry fails with "secret ... already exists": CI's `terraform
# apply` on a busy 2-core machine failed that way. The token of a value-less
# create is kept on moto's secret, and a retry carrying it gets the same answer.

def secrets_create_idempotent() -> None:
    from moto.secretsmanager.models import SecretsManagerBackend

    original_create = SecretsManagerBackend.create_secret

    def create_secret(self: Any, name: str, secret_string: str | None,
                      secret_binary: str | None, *args: Any, **kwargs: Any) -> str:
        token = kwargs.get("client_request_token")
        valueless_with_token = bool(token) and secret_string is None and secret_binary is None
        existing = self.secrets.get(name)
        if (valueless_with_token and existing is not None
                and getattr(existing, "c360_create_token", None) == token):
            return str(existing.to_short_dict())
        answer = original_create(self, name, secret_string, secret_binary, *args, **kwargs)
        if valueless_with_token:
            self.secrets[name].c360_create_token = token
        return str(answer)

    SecretsManagerBackend.create_secret = create_secret  # type: ignore[method-assign]
    APPLIED.append("SECRETS_CREATE_IDEMPOTENT")


# --- SDK_RETRY_GETS_FIRST_ANSWER ---------------------------------------------------
# AWS SDKs mark every try of one call: `amz-sdk-invocation-id` is the same on each
# try, `amz-sdk-request: attempt=N; max=M` counts them. They try again when the
# answer is lost (a dropped connection) or is a 5xx. A loaded emulator (the
# provider's 20 parallel calls beside a test run on 2 cores) loses answers far more
# often than AWS, and moto then runs the call a second time: CI's `terraform apply`
# failed twice on a create the first try had made (CreateSecret, then Glue
# CreateTable "Table already exists"). AWS keeps a client token's first answer for
# the creates that take one; most (CreateTable) take none, so this is done for every
# call, outside moto: a WSGI layer remembers the answer to each mutating call (not
# GET/HEAD/OPTIONS, which are safe to run again) by invocation id, and answers a
# retry of a call whose first try succeeded (2xx/3xx) with that answer, waiting for
# the first try while it still runs. A retry after an error answer (or none) runs
# again, as on AWS. Each retry is printed to the emulator's log (`sdk retry: ...`),
# so a failed apply's log says which calls were retried and why.

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REMEMBERED_CALLS = 4096
"""Answers kept (the newest); a retry comes seconds after its first try."""
FIRST_TRY_WAIT_SECONDS = 600.0
_ATTEMPT = re.compile(r"attempt=(\d+)")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Answer:
    """One call's answer as the emulator gave it (status None: none, the app raised)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.status: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.body = b""

    @property
    def succeeded(self) -> bool:
        return self.status is not None and self.status[:1] in "23"


class SdkRetryGetsFirstAnswer:
    """WSGI middleware: an SDK retry of a carried-out mutating call gets its first answer."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.answers: OrderedDict[str, _Answer] = OrderedDict()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not invocation or environ.get("REQUEST_METHOD", "GET") in SAFE_METHODS:
            return self.app(environ, start_response)
        attempt = _ATTEMPT.search(environ.get("HTTP_AMZ_SDK_REQUEST", ""))
        call = (f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO', '')} "
                f"{environ.get('HTTP_X_AMZ_TARGET', '')}".rstrip())
        tried = f"sdk retry: attempt {attempt.group(1) if attempt else '?'} of {call}"
        while True:
            with self.lock:
                earlier = self.answers.get(invocation)
                if earlier is None or (earlier.done.is_set() and not earlier.succeeded):
                    mine = self.answers[invocation] = _Answer()
                    self.answers.move_to_end(invocation)
                    while len(self.answers) > REMEMBERED_CALLS:
                        self.answers.popitem(last=False)
                    break
            if not earlier.done.wait(FIRST_TRY_WAIT_SECONDS):
                self.say(f"{tried}: the first try still runs after "
                         f"{FIRST_TRY_WAIT_SECONDS:.0f} s; running it again")
                return self.app(environ, start_response)
            if earlier.succeeded:
                self.say(f"{tried}: the first try answered {earlier.status}; "
                         "the same answer again")
                start_response(earlier.status, list(earlier.headers))
                return [earlier.body]
        if earlier is not None:
            self.say(f"{tried}: the first try answered {earlier.status or 'nothing'}; "
                     "running it again")
        return self._answer(mine, environ, start_response)

    @staticmethod
    def say(line: str) -> None:
        """One line in the emulator's log (its stderr)."""
        print(line, file=sys.stderr, flush=True)

    def _answer(self, answer: _Answer, environ: dict[str, Any],
                start_response: Callable[..., Any]) -> Iterable[bytes]:
        def remember(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            answer.status, answer.headers = status, list(headers)
            return start_response(status, headers, *exc_info)

        try:
            parts = self.app(environ, remember)
            try:
                answer.body = b"".join(parts)
            finally:
                close = getattr(parts, "close", None)
                if close is not None:
                    close()
        except BaseException:
            answer.status = None
            raise
        finally:
            answer.done.set()
        return [answer.body]


def sdk_retry_gets_first_answer(app: WsgiApp) -> WsgiApp:
    """`app` behind the SdkRetryGetsFirstAnswer layer (server.py wraps moto's app)."""
    if "SDK_RETRY_GETS_FIRST_ANSWER" not in APPLIED:
        APPLIED.append("SDK_RETRY_GETS_FIRST_ANSWER")
    return SdkRetryGetsFirstAnswer(app)


def apply_all(endpoint: str, region: str, scratch: Path) -> list[str]:
    """Install every workaround (once per process) for the emulator at `endpoint`."""
    CONTEXT.endpoint, CONTEXT.region, CONTEXT.scratch = endpoint, region, scratch
    if not APPLIED:
        lambda_invoke_without_docker()
        sfn_execute_state_machine()
        sfn_validate_and_versions()
        sfn_aws_sdk_results_as_json()
        sfn_athena_tasks()
        glue_pythonshell_runs_script()
        s3_logging_target_policy()
        s3_list_versions_url_encoding()
        lambda_s3_code_must_exist()
        glue_delete_connection()
        kms_rotation_period()
        emr_serverless_app_created()
        secrets_create_idempotent()
    return list(APPLIED)
