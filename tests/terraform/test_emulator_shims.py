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
