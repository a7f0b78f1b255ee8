"""The erasure in AWS: the Glue job's wiring around the same `c360.privacy.erase`.

The lake is the four layer buckets, the lock is a `DynamoDBLock` (by default in
the profiles table: lock items live under `pk = LOCK#<environment>`), DynamoDB
is purged through the same boto3 client. The sandbox key (to find tokenized
rows) comes from Secrets Manager when `--c360-sandbox-key-secret-id` is given.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from c360.config import Settings
from c360.lake import Lake
from c360.locking import DynamoDBLock, erase_lock_name
from c360.privacy.erase import Targets, erase, layer_stores

SELECTOR_OPTIONS = ("customer_id", "email", "national_id")


def job_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """The job's arguments (Glue adds its own; unknown ones are ignored)."""
    parser = argparse.ArgumentParser(prog="erase")
    for layer in ("raw", "stage", "analytics", "sandbox"):
        parser.add_argument(f"--c360-{layer}-bucket", dest=f"{layer}_bucket", required=True)
    parser.add_argument("--c360-profiles-table", dest="profiles_table", required=True)
    parser.add_argument("--c360-locks-table", dest="locks_table",
                        help="DynamoDB table for the lock (default: the profiles table)")
    parser.add_argument("--c360-environment", dest="environment", required=True,
                        help="the deployment's prefix (e.g. c360-prod): the run_control "
                             "Lambda's C360_ENV, so the erasure and the runs exclude each other")
    parser.add_argument("--c360-sandbox-key-secret-id", dest="sandbox_secret")
    parser.add_argument("--requested-by", dest="requested_by", required=True)
    parser.add_argument("--wait-seconds", dest="wait", type=float, default=0.0)
    for name in SELECTOR_OPTIONS:
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name)
    args, _ = parser.parse_known_args(list(argv))
    given = [n for n in SELECTOR_OPTIONS if getattr(args, n)]
    if len(given) != 1:
        parser.error("give exactly one of --customer-id, --email, --national-id")
    return args


def erase_job(argv: Sequence[str], s3: Any = None, dynamodb: Any = None,
              secrets: Any = None) -> dict[str, Any]:
    """Run one erasure against the AWS lake; returns the report (counts only)."""
    import boto3

    args = job_arguments(argv)
    s3 = s3 or boto3.client("s3")
    dynamodb = dynamodb or boto3.client("dynamodb")
    settings = Settings(environment=args.environment)
    if args.sandbox_secret:
        secrets = secrets or boto3.client("secretsmanager")
        key = secrets.get_secret_value(SecretId=args.sandbox_secret)["SecretString"]
        settings = settings.with_(sandbox_key=key)
    lake = Lake.from_uris({layer: f"s3://{getattr(args, f'{layer}_bucket')}"
                           for layer in ("raw", "stage", "analytics", "sandbox")})
    targets = Targets(lake, layer_stores(lake, s3), dynamodb, args.profiles_table)
    lock = DynamoDBLock(dynamodb, args.locks_table or args.profiles_table,
                        erase_lock_name(args.environment), lease_seconds=3600)
    selector = next(n for n in SELECTOR_OPTIONS if getattr(args, n))
    report = erase(settings, selector, getattr(args, selector), args.requested_by, targets,
                   lock=lock, lock_timeout=args.wait)
    return json.loads(json.dumps(report.to_dict(), default=str))
