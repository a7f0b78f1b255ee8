"""The profile API: `GET /customers/{id}`, `GET /customers?email=…`, `GET /customers?phone=…`.

Takes an API Gateway (REST or HTTP API) or Lambda function URL event and
returns the proxy response: JSON bodies always, 400 for malformed input, 404
for an unknown customer or route, 405 for another method. Lookups by email or
phone answer `{"customers": [...]}` (several customers may share one); by id,
the profile itself. boto3 only, so the Lambda zip stays small.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from c360.serving import items, keys

MAX_MATCHES = 100
"""Profiles returned for one email/phone (one BatchGetItem)."""


def response(status: int, body: Any) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", "cache-control": "no-store"},
        "body": json.dumps(body, sort_keys=True),
    }


def _error(status: int, code: str, message: str) -> dict[str, Any]:
    return response(status, {"error": code, "message": message})


def _method_and_path(event: Mapping[str, Any]) -> tuple[str, str]:
    http = (event.get("requestContext") or {}).get("http") or {}
    method = str(event.get("httpMethod") or http.get("method") or "").upper()
    path = str(event.get("rawPath") or event.get("path") or "")
    return method, unquote(path).rstrip("/") or "/"


def get_profile(client: Any, table: str, customer_id: str) -> dict[str, Any] | None:
    key = {k: {"S": v} for k, v in keys.profile_key(customer_id).items()}
    item = client.get_item(TableName=table, Key=key).get("Item")
    return items.profile_from_item(item) if item else None


def find_profiles(client: Any, table: str, lookup_pk: str) -> list[dict[str, Any]]:
    """Profiles of the customers in one email/phone lookup partition, by customer_id."""
    found = client.query(
        TableName=table, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": lookup_pk}}, Limit=MAX_MATCHES,
    ).get("Items", [])
    wanted = [i["customer_id"]["S"] for i in found]
    if not wanted:
        return []
    request = {table: {"Keys": [{k: {"S": v} for k, v in keys.profile_key(c).items()}
                                for c in wanted]}}
    profiles: list[dict[str, Any]] = []
    while request:
        answer = client.batch_get_item(RequestItems=request)
        profiles.extend(items.profile_from_item(i) for i in answer["Responses"].get(table, []))
        request = answer.get("UnprocessedKeys") or {}
    return sorted(profiles, key=lambda p: str(p.get("customer_id")))


def _by_id(client: Any, table: str, customer_id: str) -> dict[str, Any]:
    if not keys.is_customer_id(customer_id):
        return _error(400, "bad_request",
                      "customer id must be 1-64 letters, digits, '-' or '_'")
    profile = get_profile(client, table, customer_id)
    if profile is None:
        return _error(404, "not_found", f"customer {customer_id} not found")
    return response(200, profile)


def _by_contact(client: Any, table: str, query: Mapping[str, str]) -> dict[str, Any]:
    given = {k: v for k, v in query.items() if k in ("email", "phone")}
    if len(given) != 1 or set(query) - {"email", "phone"}:
        return _error(400, "bad_request", "give exactly one query parameter: email or phone")
    if "email" in given:
        email = keys.normalize_email(given["email"])
        if email is None:
            return _error(400, "bad_request", "email is not a valid address")
        lookup = keys.email_pk(email)
    else:
        phone = keys.normalize_phone(given["phone"])
        if phone is None:
            return _error(400, "bad_request", "phone must hold 7-15 digits")
        lookup = keys.phone_pk(phone)
    profiles = find_profiles(client, table, lookup)
    if not profiles:
        return _error(404, "not_found", f"no customer with this {next(iter(given))}")
    return response(200, {"customers": profiles})


def handle(event: Mapping[str, Any], client: Any, table: str) -> dict[str, Any]:
    """Answer one API event from the profiles table."""
    method, path = _method_and_path(event)
    parts = path.strip("/").split("/")
    if parts[0] != "customers" or len(parts) > 2:
        return _error(404, "not_found", f"no route for {path}")
    if method != "GET":
        return _error(405, "method_not_allowed", f"{method or 'no method'} is not allowed; use GET")
    if len(parts) == 2:
        return _by_id(client, table, parts[1])
    query = event.get("queryStringParameters") or {}
    return _by_contact(client, table, query)
