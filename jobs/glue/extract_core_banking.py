"""Glue 5.0 job: incremental JDBC extract of the core-banking tables into RAW (Parquet).

Arguments: --c360-raw-bucket, --c360-secret-id (Terraform sets both), optional
--table (repeatable), --logical-date, --run-id, --partitions.
Package code: `c360.ingest.core_banking.spark_extract_to_raw`.
"""

import json
import sys


def main() -> None:
    from pyspark.sql import SparkSession

    from c360.ingest.aws import extract_core_banking_job

    try:  # Glue: the job's context; never required locally
        from awsglue.context import GlueContext

        spark = GlueContext(SparkSession.builder.getOrCreate()).spark_session
    except ImportError:
        spark = SparkSession.builder.getOrCreate()
    print(json.dumps(extract_core_banking_job(sys.argv[1:], spark), default=str))


if __name__ == "__main__":
    main()
