"""mainframe_export Lambda: the day's mainframe files into RAW, control totals verified.

Package code: `c360.ingest.mainframe` (wired by `c360.ingest.aws.file_drop`).
Event (optional): {"logical_date": "YYYY-MM-DD", "run_id": "...", "dataset": "..."}.
"""

import os


def handler(event, context):  # noqa: ANN001, ANN201 - the Lambda signature
    from c360.ingest.aws import file_drop
    from c360.logs import lambda_logger

    lambda_logger("c360-mainframe-export", context)  # JSON logs, PII-guarded
    return file_drop(event or {}, os.environ)
