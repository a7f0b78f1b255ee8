"""crm_ingest Lambda: CRM customers changed since the checkpoint, into RAW.

Package code: `c360.ingest.crm` (wired by `c360.ingest.aws.crm_ingest`).
Event (optional): {"logical_date": "YYYY-MM-DD", "run_id": "..."}.
"""

import os


def handler(event, context):  # noqa: ANN001, ANN201 - the Lambda signature
    from c360.ingest.aws import crm_ingest
    from c360.logs import lambda_logger

    lambda_logger("c360-crm-ingest", context)  # JSON logs, PII-guarded
    return crm_ingest(event or {}, os.environ)
