"""run_control Lambda: the first and last state of every pipeline execution.

Package code: `c360.orchestration.run_control` (the logical date of a scheduled
execution, the environment's run lock taken and given back).
Event: {"action": "start", "schedule": "daily", "input": <execution input>,
"execution": "<execution name>"}, {"action": "renew", "run": {...}, "stage": "<next stage>",
"execution": ...} (between stages) or {"action": "finish", "run": {...}, "execution": ...}.
"""

import os


def handler(event, context):  # noqa: ANN001, ANN201 - the Lambda signature
    from c360.logs import lambda_logger
    from c360.orchestration.run_control import handle

    lambda_logger("c360-run-control", context,  # JSON logs, PII-guarded
                  level=os.environ.get("C360_LOG_LEVEL", "INFO"))
    return handle(event or {}, os.environ)
