"""The harness shims `terraform apply`/`destroy` of envs/local need, one behaviour each.

Each shim (tests/harness/workarounds.py) makes moto answer as AWS does where
the Terraform AWS provider depends on it; these tests call the API the
provider calls and check the AWS answer, in a second instead of a full cycle.
They check the harness's moto, so they skip on an external emulator.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError
from harness import Emulator
from harness.fixtures import emulator, unique_name  # noqa: F401

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("emulator")]


@pytest.fixture
def moto(emulator: Emulator) -> Emulator:  # noqa: F811 - the harness fixture
    if not emulator.is_moto:
        pytest.skip("checks the harness's own moto shims (the emulator here is external)")
    return emulator


def _lambda_role(moto: Emulator, name: str) -> str:
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"Service": "lambda.amazonaws.com"}}]}
    role = moto.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    return str(role["Role"]["Arn"])


def test_emr_serverless_application_starts_created_and_can_be_deleted(
        moto: Emulator, unique_name: str) -> None:  # noqa: F811
    emr = moto.client("emr-serverless")
    app = emr.create_application(name=unique_name, releaseLabel="emr-7.5.0", type="SPARK")

    assert emr.get_application(applicationId=app["applicationId"])["application"]["state"] == (
        "CREATED")
    emr.delete_application(applicationId=app["applicationId"])
    assert emr.get_application(applicationId=app["applicationId"])["application"]["state"] == (
        "TERMINATED")


def test_object_versions_listed_with_url_encoding_have_encoded_keys(
        moto: Emulator, unique_name: str) -> None:  # noqa: F811
    s3 = moto.client("s3")
    s3.create_bucket(Bucket=unique_name)
    s3.put_bucket_versioning(Bucket=unique_name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=unique_name, Key="lambdas/0.1.0+abc1234/crm_api.zip", Body=b"zip")

    asked = s3.list_object_versions(Bucket=unique_name, EncodingType="url")  # not decoded
    default = s3.list_object_versions(Bucket=unique_name)  # botocore asks and decodes

    assert asked["EncodingType"] == "url"
    assert [v["Key"] for v in asked["Versions"]] == ["lambdas/0.1.0%2Babc1234/crm_api.zip"]
    assert [v["Key"] for v in default["Versions"]] == ["lambdas/0.1.0+abc1234/crm_api.zip"]


def test_lambda_from_a_zip_that_was_never_published_is_refused(
        moto: Emulator, unique_name: str) -> None:  # noqa: F811
    moto.client("s3").create_bucket(Bucket=unique_name)

    with pytest.raises(ClientError) as refused:
        moto.client("lambda").create_function(
            FunctionName=unique_name, Runtime="python3.11", Handler="handler.handler",
            Role=_lambda_role(moto, unique_name),
            Code={"S3Bucket": unique_name, "S3Key": "lambdas/0.1.0+abc1234/missing.zip"})

    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "NoSuchKey" in refused.value.response["Error"]["Message"]


def test_lambda_from_a_published_zip_is_created_with_its_code(
        moto: Emulator, unique_name: str) -> None:  # noqa: F811
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("handler.py", "def handler(event, context):\n    return event\n")
    moto.client("s3").create_bucket(Bucket=unique_name)
    moto.client("s3").put_object(Bucket=unique_name, Key="f.zip", Body=buffer.getvalue())

    created = moto.client("lambda").create_function(
        FunctionName=unique_name, Runtime="python3.11", Handler="handler.handler",
        Role=_lambda_role(moto, unique_name), Code={"S3Bucket": unique_name, "S3Key": "f.zip"})

    assert created["CodeSize"] == len(buffer.getvalue())


def test_glue_connection_can_be_deleted(moto: Emulator, unique_name: str) -> None:  # noqa: F811
    glue = moto.client("glue")
    glue.create_connection(ConnectionInput={
        "Name": unique_name, "ConnectionType": "JDBC",
        "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:postgresql://127.0.0.1:5432/db"}})

    glue.delete_connection(ConnectionName=unique_name)

    with pytest.raises(ClientError) as gone:
        glue.get_connection(Name=unique_name)
    assert gone.value.response["Error"]["Code"] == "EntityNotFoundException"


def test_kms_key_reports_the_rotation_period_it_was_given(moto: Emulator) -> None:
    kms = moto.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]

    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)

    status = kms.get_key_rotation_status(KeyId=key_id)
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 180)


def test_bucket_logging_accepts_a_log_bucket_policy_covering_the_prefix_with_a_wildcard(
        moto: Emulator, unique_name: str) -> None:  # noqa: F811
    s3 = moto.client("s3")
    logs, source = f"{unique_name}-logs", f"{unique_name}-raw"
    for bucket in (logs, source):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=logs, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{logs}/s3/*"}]}))

    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": logs, "TargetPrefix": f"s3/{source}/"}})

    assert s3.get_bucket_logging(Bucket=source)["LoggingEnabled"] == {
        "TargetBucket": logs, "TargetPrefix": f"s3/{source}/"}


def test_secret_create_retried_with_its_request_token_answers_with_the_same_secret(
        moto: Emulator, unique_name: str) -> None:  # noqa: F811
    secrets = moto.client("secretsmanager")
    token = "c360-retry-token-0123456789abcdef01234"  # what the SDK resends when it retries

    first = secrets.create_secret(Name=unique_name, ClientRequestToken=token)
    retried = secrets.create_secret(Name=unique_name, ClientRequestToken=token)

    assert (retried["ARN"], retried["Name"]) == (first["ARN"], unique_name)
    assert len(secrets.list_secrets(Filters=[{"Key": "name", "Values": [unique_name]}])
               ["SecretList"]) == 1


def test_secret_created_again_with_another_request_token_is_refused(
        moto: Emulator, unique_name: str) -> None:  # noqa: F811
    secrets = moto.client("secretsmanager")
    secrets.create_secret(Name=unique_name,
                          ClientRequestToken="c360-first-token-0123456789abcdef0123")

    with pytest.raises(ClientError) as refused:
        secrets.create_secret(Name=unique_name,
                              ClientRequestToken="c360-other-token-0123456789abcdef0123")

    assert refused.value.response["Error"]["Code"] == "ResourceExistsException"


def _tries_of_one_call(moto: Emulator, operation: str, invocation: str) -> Any:
    """A Glue client whose every `operation` request is a try of one SDK call.

    The AWS SDKs send `amz-sdk-invocation-id` (the same on every try of a call) and
    `amz-sdk-request: attempt=N; max=M`; this client numbers its tries of `operation`
    1, 2, ... under `invocation`, as the Terraform provider does when it retries.
    """
    glue = moto.client("glue")
    tries = [0]

    def mark(request: Any, **_: Any) -> None:
        tries[0] += 1
        request.headers["amz-sdk-invocation-id"] = invocation
        request.headers["amz-sdk-request"] = f"attempt={tries[0]}; max=25"

    glue.meta.events.register(f"before-send.glue.{operation}", mark)
    return glue


def _create_table(glue: Any, database: str, table: str) -> None:
    glue.create_table(DatabaseName=database, TableInput={
        "Name": table, "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {"Location": f"s3://lake/{table}/",
                              "Columns": [{"Name": "customer_id", "Type": "string"}]}})


def test_a_retry_of_a_create_the_first_try_carried_out_gets_the_first_answer(
        moto: Emulator, unique_name: str) -> None:  # noqa: F811
    glue = _tries_of_one_call(moto, "CreateTable", f"{unique_name}-call")
    glue.create_database(DatabaseInput={"Name": unique_name})

    _create_table(glue, unique_name, "dim_customer_loyalty")  # try 1: its answer "lost"
    _create_table(glue, unique_name, "dim_customer_loyalty")  # try 2 of the same call

    tables = glue.get_tables(DatabaseName=unique_name)["TableList"]
    assert [t["Name"] for t in tables] == ["dim_customer_loyalty"]


def test_a_retry_after_an_error_answer_runs_the_call_again(
        moto: Emulator, unique_name: str) -> None:  # noqa: F811
    glue = _tries_of_one_call(moto, "CreateTable", f"{unique_name}-call")
    with pytest.raises(ClientError) as first:
        _create_table(glue, unique_name, "dim_customer_loyalty")  # no such database yet
    glue.create_database(DatabaseInput={"Name": unique_name})

    _create_table(glue, unique_name, "dim_customer_loyalty")  # try 2 runs, now succeeds

    assert first.value.response["Error"]["Code"] == "EntityNotFoundException"
    assert glue.get_table(DatabaseName=unique_name,
                          Name="dim_customer_loyalty")["Table"]["Name"] == "dim_customer_loyalty"


def test_a_new_call_creating_an_existing_table_is_still_refused(
        moto: Emulator, unique_name: str) -> None:  # noqa: F811
    glue = moto.client("glue")  # botocore gives each call its own invocation id
    glue.create_database(DatabaseInput={"Name": unique_name})
    _create_table(glue, unique_name, "dim_customer_loyalty")

    with pytest.raises(ClientError) as refused:
        _create_table(glue, unique_name, "dim_customer_loyalty")

    assert refused.value.response["Error"]["Code"] == "AlreadyExistsException"
