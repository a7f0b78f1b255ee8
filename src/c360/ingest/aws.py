"""Wiring of the ingestion Lambdas and the Glue extract: environment/arguments → package calls.

The adapters in `lambdas/<name>/handler.py` and `jobs/glue/extract_core_banking.py`
only call these functions, so what runs in AWS is tested here against moto and a
local PostgreSQL. Clients are passed in (tests give moto's); when omitted, boto3
builds them from the function's role and region. Environment (set by
`terraform/modules/ingestion`):

- crm_api: `C360_CRM_DATA_URI` (`s3://bucket/prefix/` or a folder holding the CRM's
  `page-*.json`), optional `C360_CRM_FAULTS` (JSON `Faults`, e.g. `{"rate_limit_every": 5}`);
- crm_ingest: `C360_RAW_BUCKET` (data, `_ledger/`, `_checkpoints/`, `_quarantine/`) and
  `C360_CRM_API_FUNCTION` (the producer Lambda) or `C360_CRM_API_URL` (a real CRM);
- mainframe_export: `C360_RAW_BUCKET` and `C360_MAINFRAME_SOURCE_URI` (the mainframe's drop).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from c360.ingest.store import ObjectStore, S3Store, store_for

_API_CACHE: dict[tuple[str, str], Any] = {}


def _require(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise ValueError(f"environment variable {name} is not set")
    return value


def _client(kind: str, given: Any) -> Any:
    if given is not None:
        return given
    import boto3

    return boto3.client(kind)


def _when(event: Mapping[str, Any], schedule: str) -> tuple[date, str]:
    """(logical date, run id) from the event, or from the clock for a scheduled call."""
    now = datetime.now(UTC)
    logical = date.fromisoformat(str(event["logical_date"])) if event.get("logical_date") \
        else now.date()
    run_id = str(event.get("run_id") or (f"hourly-{now:%Y-%m-%dT%H}" if schedule == "hourly"
                                         else f"daily-{logical.isoformat()}"))
    return logical, run_id


# -- crm_api ---------------------------------------------------------------------------


def crm_api(event: Mapping[str, Any], env: Mapping[str, str], s3: Any = None) -> dict[str, Any]:
    """The producer Lambda: serve the CRM pages at `C360_CRM_DATA_URI` (loaded once)."""
    from c360.sources.crm_api import CrmApi, CustomerStore, Faults

    uri = _require(env, "C360_CRM_DATA_URI")
    key = (uri, env.get("C360_CRM_FAULTS", ""))
    if key not in _API_CACHE:
        source = store_for(uri, _client("s3", s3)) if uri.startswith("s3://") else store_for(uri)
        pages = [k for k in source.list("") if k.rsplit("/", 1)[-1].startswith("page-")]
        if not pages:
            raise FileNotFoundError(f"crm_api: no page-*.json under {uri}")
        store = CustomerStore.from_page_bodies(source.read(k) or b"" for k in pages)
        _API_CACHE[key] = CrmApi(store, Faults.from_json(env.get("C360_CRM_FAULTS")))
    response: dict[str, Any] = _API_CACHE[key].handle(event)
    return response


# -- crm_ingest ------------------------------------------------------------------------


def crm_ingest(event: Mapping[str, Any], env: Mapping[str, str], s3: Any = None,
               lambda_client: Any = None) -> dict[str, Any]:
    """The consumer Lambda: CRM changes since the checkpoint into the RAW bucket."""
    from c360.ingest.crm import HttpTransport, ProxyTransport, Transport, ingest_crm, lambda_invoker

    raw = S3Store(_client("s3", s3), _require(env, "C360_RAW_BUCKET"))
    transport: Transport
    if env.get("C360_CRM_API_URL"):
        transport = HttpTransport(env["C360_CRM_API_URL"])
    else:
        function = _require(env, "C360_CRM_API_FUNCTION")
        transport = ProxyTransport(lambda_invoker(_client("lambda", lambda_client), function))
    logical, run_id = _when(event, "hourly")
    with tempfile.TemporaryDirectory() as tmp:
        result = ingest_crm(transport, raw, logical, run_id, Path(tmp))
    return {"dataset": "crm_customers", "run_id": run_id, "records": result.records,
            **json.loads(json.dumps(result.summary(), default=str))}


# -- mainframe_export / file drops -----------------------------------------------------


def file_drop(event: Mapping[str, Any], env: Mapping[str, str], s3: Any = None
              ) -> dict[str, Any]:
    """The mainframe_export Lambda: the day's mainframe files (or `event["dataset"]`'s drop)."""
    from c360.contracts import load_contracts
    from c360.ingest.mainframe import MAINFRAME_DATASETS, ingest_drop

    client = _client("s3", s3)
    raw = S3Store(client, _require(env, "C360_RAW_BUCKET"))
    source_uri = _require(env, "C360_MAINFRAME_SOURCE_URI")
    source: ObjectStore = store_for(source_uri, client)
    logical, run_id = _when(event, "daily")
    contracts = load_contracts()
    datasets = [str(event["dataset"])] if event.get("dataset") else list(MAINFRAME_DATASETS)
    out: dict[str, Any] = {"run_id": run_id, "logical_date": logical.isoformat()}
    with tempfile.TemporaryDirectory() as tmp:
        for dataset in datasets:
            report = ingest_drop(contracts[dataset], source, raw, logical, run_id, Path(tmp),
                                 day=logical)
            out[dataset] = {"rows": report.rows, **report.summary()}
    return out


# -- Glue: extract_core_banking --------------------------------------------------------


def glue_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """The job's arguments (Glue passes its own too; unknown ones are ignored)."""
    parser = argparse.ArgumentParser(prog="extract_core_banking")
    parser.add_argument("--c360-raw-bucket", dest="raw_bucket")
    parser.add_argument("--c360-raw-uri", dest="raw_uri",
                        help="Write RAW here instead of s3://<raw bucket> (local runs)")
    parser.add_argument("--c360-secret-id", dest="secret_id")
    parser.add_argument("--jdbc-url", dest="jdbc_url")
    parser.add_argument("--user", dest="user")
    parser.add_argument("--password", dest="password")
    parser.add_argument("--table", action="append", dest="tables",
                        help="Table to extract (repeatable; default: all four)")
    parser.add_argument("--logical-date", dest="logical_date")
    parser.add_argument("--run-id", dest="run_id")
    parser.add_argument("--partitions", type=int, default=4)
    args, _ = parser.parse_known_args(list(argv))
    if not args.raw_uri and not args.raw_bucket:
        parser.error("give --c360-raw-bucket (AWS) or --c360-raw-uri (local)")
    if not args.jdbc_url and not args.secret_id:
        parser.error("give --c360-secret-id (AWS) or --jdbc-url/--user/--password")
    return args


JDBC_SSLMODE = "require"
"""The extract's TLS to the core-banking database when its secret names none: encrypted
(the Glue connection enforces SSL, but the job opens its own JDBC connection from the
secret, which the connection's setting does not reach). `verify-full` needs the server's
CA certificate on the workers: give `sslmode` (and `sslrootcert`) in the secret."""


def jdbc_from_secret(secret: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """(JDBC URL, properties) from the Secrets Manager document Terraform writes."""
    url = f"jdbc:postgresql://{secret['host']}:{secret['port']}/{secret['dbname']}"
    properties = {"user": str(secret["username"]), "password": str(secret["password"]),
                  "driver": "org.postgresql.Driver",
                  "sslmode": str(secret.get("sslmode") or JDBC_SSLMODE)}
    if secret.get("sslrootcert"):
        properties["sslrootcert"] = str(secret["sslrootcert"])
    return url, properties


def extract_core_banking_job(argv: Sequence[str], spark: Any, s3: Any = None,
                             secrets: Any = None) -> dict[str, Any]:
    """Run the Glue job's extract for each table; returns the per-table summary."""
    from c360.contracts import load_contracts
    from c360.ingest.core_banking import TABLES, spark_extract_to_raw

    args = glue_arguments(argv)
    if args.secret_id:
        secret = json.loads(_client("secretsmanager", secrets)
                            .get_secret_value(SecretId=args.secret_id)["SecretString"])
        url, properties = jdbc_from_secret(secret)
    else:
        url, properties = args.jdbc_url, {"user": args.user or "", "password": args.password or "",
                                          "driver": "org.postgresql.Driver"}
    if args.raw_uri:
        raw_uri = args.raw_uri
        store = store_for(raw_uri.removeprefix("file://"))
    else:
        raw_uri = f"s3://{args.raw_bucket}"
        store = S3Store(_client("s3", s3), args.raw_bucket)
    logical, run_id = _when({"logical_date": args.logical_date, "run_id": args.run_id}, "daily")
    contracts = load_contracts()
    out: dict[str, Any] = {}
    for table in args.tables or list(TABLES):
        result = spark_extract_to_raw(spark, url, properties, contracts[f"core_banking_{table}"],
                                      store, raw_uri, logical, run_id, args.partitions)
        out[table] = {"rows": result.rows, **result.summary()}
    return out
