"""The ingestion Lambdas' handlers against S3 (moto): the code that runs in AWS, end to end.

moto cannot run a Lambda without Docker, so where crm_ingest invokes crm_api the
test gives it a Lambda client stub that runs the crm_api handler in-process with
the same JSON payloads (ARCHITECTURE §8).
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
from pathlib import Path
from types import ModuleType

import boto3
import pytest
from crm_testkit import crm_records, identity
from files_testkit import cards_text, loyalty_text
from moto import mock_aws

from c360.ingest import aws
from c360.ingest.aws import glue_arguments, jdbc_from_secret
from c360.sources.crm_api import CrmApi, CustomerStore, Faults, serve

ROOT = Path(__file__).resolve().parents[3]


def _handler(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_handler",
                                                  ROOT / "lambdas" / name / "handler.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def s3(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket="c360-raw")
        client.create_bucket(Bucket="c360-source-demo")
        yield client


def _landed(s3) -> list[dict]:
    out = []
    listing = s3.list_objects_v2(Bucket="c360-raw", Prefix="crm/customers/")
    for item in listing.get("Contents", []):
        if item["Key"].endswith(".jsonl.gz"):
            body = s3.get_object(Bucket="c360-raw", Key=item["Key"])["Body"].read()
            out.extend(json.loads(line) for line in gzip.decompress(body).splitlines())
    return out


def test_crm_ingest_handler_lands_a_crm_over_http_into_the_raw_bucket(s3, monkeypatch):
    records = crm_records(7)
    with serve(CrmApi(CustomerStore(records))) as server:
        monkeypatch.setenv("C360_RAW_BUCKET", "c360-raw")
        monkeypatch.setenv("C360_CRM_API_URL", server.url)
        answer = _handler("crm_ingest").handler({"logical_date": "2026-11-25",
                                                 "run_id": "hourly-2026-11-25T10"}, None)
    assert answer["records"] == 7 and answer["files_landed"] == 1
    assert identity(_landed(s3)) == identity(records)
    checkpoint = json.loads(s3.get_object(Bucket="c360-raw",
                                          Key="_checkpoints/crm_customers.json")["Body"].read())
    assert checkpoint == {"updated_at": records[-1]["updated_at"], "id": records[-1]["id"]}


class LambdaStub:
    """`lambda.invoke` that runs a handler in-process with the same JSON payloads."""

    def __init__(self, handler) -> None:
        self.handler = handler
        self.calls = 0

    def invoke(self, FunctionName: str, Payload: bytes) -> dict:  # noqa: N803 - boto3's names
        self.calls += 1
        answer = self.handler(json.loads(Payload), None)
        return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(answer).encode())}


def test_crm_ingest_invokes_the_crm_api_function_which_serves_pages_from_s3(s3, monkeypatch):
    records = crm_records(9)
    page = {"data": records, "page": 1, "page_size": 500, "total": 9, "next_cursor": None}
    s3.put_object(Bucket="c360-source-demo", Key="crm/customers/page-00001.json",
                  Body=json.dumps(page).encode())
    monkeypatch.setenv("C360_CRM_DATA_URI", "s3://c360-source-demo/crm/customers")
    monkeypatch.delenv("C360_CRM_FAULTS", raising=False)
    aws._API_CACHE.clear()
    producer = LambdaStub(_handler("crm_api").handler)
    env = {"C360_RAW_BUCKET": "c360-raw", "C360_CRM_API_FUNCTION": "c360-crm-api"}
    answer = aws.crm_ingest({"logical_date": "2026-11-25", "run_id": "r1"}, env, s3=s3,
                            lambda_client=producer)
    assert answer["records"] == 9 and producer.calls == 1
    assert identity(_landed(s3)) == identity(records)


def test_mainframe_export_lands_the_good_file_and_quarantines_the_one_whose_trailer_lies(
        s3, monkeypatch):
    s3.put_object(Bucket="c360-source-demo", Key="mainframe/loyalty_20261125.dat",
                  Body=loyalty_text().encode())
    s3.put_object(Bucket="c360-source-demo", Key="mainframe/cards_20261125.csv",
                  Body=cards_text(count=2).encode())
    s3.put_object(Bucket="c360-source-demo", Key="mainframe/cards_20261124.csv",
                  Body=cards_text().encode())  # yesterday's file: not this run's
    monkeypatch.setenv("C360_RAW_BUCKET", "c360-raw")
    monkeypatch.setenv("C360_MAINFRAME_SOURCE_URI", "s3://c360-source-demo")
    answer = _handler("mainframe_export").handler({"logical_date": "2026-11-25"}, None)
    assert answer["mainframe_loyalty"]["rows"] == 3
    assert answer["mainframe_cards"]["rows"] == 0
    assert answer["mainframe_cards"]["files_quarantined"] == [{
        "source": "cards_20261125.csv",
        "reason": "control totals do not match: trailer says 2 records totalling 11584.35, "
                  "the file has 3 records totalling 11584.35"}]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="c360-raw")["Contents"]]
    assert ("_quarantine/mainframe/cards/ingest_date=2026-11-25/run_id=daily-2026-11-25/"
            "cards_20261125.csv") in keys
    assert not [k for k in keys if k.startswith("mainframe/cards/")]


def test_crm_api_handler_needs_to_know_where_the_crm_data_is(monkeypatch):
    monkeypatch.delenv("C360_CRM_DATA_URI", raising=False)
    with pytest.raises(ValueError, match="C360_CRM_DATA_URI is not set"):
        _handler("crm_api").handler({"path": "/customers"}, None)


def test_crm_api_faults_come_from_the_environment(tmp_path, monkeypatch):
    folder = tmp_path / "crm"
    folder.mkdir()
    (folder / "page-00001.json").write_text(json.dumps({"data": crm_records(2)}))
    monkeypatch.setenv("C360_CRM_DATA_URI", str(folder))
    monkeypatch.setenv("C360_CRM_FAULTS", '{"rate_limit_every": 2, "retry_after_seconds": 4}')
    aws._API_CACHE.clear()
    handler = _handler("crm_api").handler
    first = handler({"httpMethod": "GET", "path": "/customers"}, None)
    second = handler({"httpMethod": "GET", "path": "/customers"}, None)
    assert (first["statusCode"], second["statusCode"]) == (200, 429)
    assert second["headers"]["Retry-After"] == "4"
    assert aws._API_CACHE[(str(folder), '{"rate_limit_every": 2, "retry_after_seconds": 4}')] \
        .faults == Faults(rate_limit_every=2, retry_after_seconds=4)


def test_glue_arguments_take_terraforms_names_and_ignore_glues_own():
    args = glue_arguments(["--JOB_NAME", "c360-extract-core-banking", "--c360-raw-bucket", "raw",
                           "--c360-secret-id", "c360/core-banking/extract",
                           "--job-bookmark-option", "job-bookmark-enable", "--table",
                           "transactions", "--table", "accounts"])
    assert (args.raw_bucket, args.secret_id, args.tables, args.partitions) == (
        "raw", "c360/core-banking/extract", ["transactions", "accounts"], 4)


def test_jdbc_settings_come_from_the_secret_document():
    url, properties = jdbc_from_secret({"engine": "postgres", "host": "db.internal", "port": 5432,
                                        "dbname": "core_banking", "username": "extract",
                                        "password": "s3cret"})
    assert url == "jdbc:postgresql://db.internal:5432/core_banking"
    assert properties == {"user": "extract", "password": "s3cret",
                          "driver": "org.postgresql.Driver", "sslmode": "require"}


def test_the_secret_can_ask_for_a_verified_tls_connection():
    _, properties = jdbc_from_secret({"host": "db.internal", "port": 5432, "dbname": "bank",
                                      "username": "extract", "password": "s3cret",
                                      "sslmode": "verify-full",
                                      "sslrootcert": "/tmp/rds-ca.pem"})
    assert (properties["sslmode"], properties["sslrootcert"]) == ("verify-full",
                                                                  "/tmp/rds-ca.pem")
