"""Glue Python shell job (Python 3.9): latest c360_customer_profile snapshot -> DynamoDB.

Arguments: --c360-analytics-bucket, --c360-profiles-table (job defaults); --logical-date
(from the state machine) picks that snapshot, else the latest; --c360-export-prefix (from
the state machine): the key prefix under which it had Athena UNLOAD the day's profile
snapshot, since the Athena-written (Iceberg) table itself is no `snapshot_date=` folder
tree (`c360.orchestration.asl`, *Exports*); without it the table's own folder is read.
Glue's own are ignored.
"""

from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str]) -> None:
    import boto3

    from c360.serving.loader import load_profiles
    from c360.serving.source import read_profiles, table_key_prefix

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c360-analytics-bucket", required=True)
    parser.add_argument("--c360-profiles-table", required=True)
    parser.add_argument("--logical-date", default=None)
    parser.add_argument("--c360-export-prefix", default="")
    args, _glue_args = parser.parse_known_args(argv)
    table = table_key_prefix("c360_customer_profile", args.c360_export_prefix)
    location = f"s3://{args.c360_analytics_bucket}/{table}"
    rows = read_profiles(location, args.logical_date, boto3.client("s3"))
    report = load_profiles(args.c360_profiles_table, rows, boto3.client("dynamodb"))
    print(f"loaded {report.profiles} profiles into {args.c360_profiles_table}: {report}")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main(sys.argv[1:])
