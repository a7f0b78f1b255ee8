"""Glue Python shell job (Python 3.9): one ANALYTICS table -> its masked sbx_<table> copy.

Arguments: --c360-analytics-bucket, --c360-analytics-database, --c360-sandbox-bucket,
--c360-sandbox-database, --c360-sandbox-key-secret-id (job defaults); --table (the
ANALYTICS table, e.g. fct_transactions_monthly), --logical-date (the profile's
snapshot_date= partition to copy, else the latest) and --run-id (from the state machine).
Glue's own are ignored. Package code: `c360.sandbox.aws.export_job` (the same
`c360.sandbox.masking.mask_table` as the local run). Writes
s3://<sandbox bucket>/sbx_<table>/part-00000.parquet (replacing what was there) and the
Glue table sbx_<table>. The report it prints holds counts, never row data.
"""

import json
import logging
import sys


def main() -> None:
    from c360.sandbox.aws import export_job

    logging.basicConfig(level=logging.INFO)
    print(json.dumps(export_job(sys.argv[1:]), sort_keys=True))


if __name__ == "__main__":
    main()
