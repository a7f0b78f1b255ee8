"""file_drop_ingest Lambda: one file-drop dataset (clickstream batches, call-center CSV) into RAW.

Package code: `c360.ingest.mainframe.ingest_drop` (wired by `c360.ingest.aws.file_drop`).
Event: {"dataset": "clickstream_events" | "call_center_contacts", "logical_date": "YYYY-MM-DD",
"run_id": "..."} (the state machines send all three).
"""

import os


def handler(event, context):  # noqa: ANN001, ANN201 - the Lambda signature
    from c360.ingest.aws import file_drop
    from c360.logs import lambda_logger

    lambda_logger("c360-file-drop-ingest", context)  # JSON logs, PII-guarded
    return file_drop(event or {}, os.environ)
