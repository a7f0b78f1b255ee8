"""profile_api Lambda: serve customer 360 profiles from DynamoDB (API Gateway / function URL).

Environment: C360_PROFILES_TABLE (the profiles table name). boto3 comes from the
Lambda runtime; the client is built on the first request, never at import.
"""

from __future__ import annotations

import os
from typing import Any

_client: Any = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _client
    import boto3

    from c360.logs import lambda_logger
    from c360.serving.api import handle

    lambda_logger("c360-profile-api", context)  # JSON logs, PII-guarded
    if _client is None:
        _client = boto3.client("dynamodb")
    return handle(event, _client, os.environ["C360_PROFILES_TABLE"])
