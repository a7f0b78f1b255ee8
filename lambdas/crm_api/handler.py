"""crm_api Lambda: the simulated CRM REST API (API Gateway proxy events in, proxy responses out).

Package code: `c360.sources.crm_api` (wired by `c360.ingest.aws.crm_api`).
"""

import os


def handler(event, context):  # noqa: ANN001, ANN201 - the Lambda signature
    from c360.ingest.aws import crm_api
    from c360.logs import lambda_logger

    lambda_logger("c360-crm-api", context)  # JSON logs, PII-guarded
    return crm_api(event, os.environ)
