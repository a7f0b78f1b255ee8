"""The erasure as it runs in AWS: the Glue job adapter against S3 buckets and DynamoDB."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from conftest import REPO, Demo, customer_ids_of, source_records, upload_folder, well_known_person
from pii import scan_objects

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("demo-lake")]

LAYERS = ("raw", "stage", "analytics", "sandbox")


def _objects(s3: Any, bucket: str) -> list[tuple[str, bytes]]:
    """Every version of every object: (bucket/key, bytes)."""
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket)
    versions = [(v["Key"], v["VersionId"]) for page in pages for v in page.get("Versions", [])]
    return [(f"{bucket}/{k}", s3.get_object(Bucket=bucket, Key=k, VersionId=v)["Body"].read())
            for k, v in versions]


@pytest.fixture
def aws_lake(demo: Demo, aws_env, unique_name: str) -> dict[str, Any]:  # noqa: ANN001
    from c360.serving.keys import table_definition
    from c360.serving.loader import load_profiles
    from c360.serving.source import read_profiles

    s3, dynamodb = aws_env.client("s3"), aws_env.client("dynamodb")
    buckets = {layer: f"{unique_name}-{layer}" for layer in LAYERS}
    for layer, bucket in buckets.items():
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        upload_folder(s3, bucket, demo.lake / layer)
        upload_folder(s3, bucket, demo.lake / layer)  # yesterday's copies live on as old versions
    table = f"{unique_name}-profiles"
    dynamodb.create_table(**table_definition(table))
    load_profiles(table, read_profiles(str(demo.lake / "analytics" / "c360_customer_profile")),
                  dynamodb)
    return {"s3": s3, "dynamodb": dynamodb, "buckets": buckets, "table": table,
            "env": aws_env.env()}


def test_glue_erase_job_removes_the_person_from_every_bucket_version_and_dynamodb(
        demo: Demo, aws_lake: dict[str, Any]) -> None:
    person = well_known_person(demo.sources)
    customer_ids = customer_ids_of(demo.lake, source_records(demo.sources, person.person_id))
    args = [f"--c360-{layer}-bucket={bucket}" for layer, bucket in aws_lake["buckets"].items()]
    args += [f"--c360-profiles-table={aws_lake['table']}", "--c360-environment=dev",
             "--requested-by=dpo-ticket-99", f"--national-id={person.national_id}",
             "--JOB_NAME=c360-erase"]  # Glue's own arguments are ignored
    done = subprocess.run([sys.executable, "jobs/glue/erase.py", *args], cwd=REPO,
                          env={**aws_lake["env"], "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    by_layer = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(by_layer[layer]["removed"] > 0 for layer in (*LAYERS, "dynamodb"))

    s3, dynamodb = aws_lake["s3"], aws_lake["dynamodb"]
    needles = person.needles() | {person.last_name.lower(): "last name"}
    for bucket in aws_lake["buckets"].values():
        assert scan_objects(_objects(s3, bucket), needles) == []
    items = [i for page in dynamodb.get_paginator("scan").paginate(TableName=aws_lake["table"])
             for i in page["Items"]]
    assert not [i for i in items if i.get("customer_id", {}).get("S") in customer_ids]
    assert not [i for i in items if i["pk"]["S"].startswith("LOCK#")]  # lock released
    raw = aws_lake["buckets"]["raw"]
    ledger = [k for k, _ in _objects(s3, raw) if "/_erasure/" in k]
    assert any("/_erasure/done/" in k for k in ledger)
