"""The profile_api Lambda, deployed from its built zip, answering API Gateway events."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from harness import Emulator

from c360.serving.loader import load_profiles

from .aws import Artifacts, create_profiles_table, deploy_lambda

pytestmark = [pytest.mark.emulator, pytest.mark.xdist_group("emulator")]

ANA = {"customer_id": "C1A2B3C4D5E6F70", "first_name": "Ana", "last_name": "Silva",
       "email": "Ana.Silva@Example.com", "phone": "+1 (555) 010-4477",
       "deposit_balance": Decimal("12034.50"), "product_count": 3, "snapshot_date": "2026-11-25"}
ANA_TWIN = {"customer_id": "C1A2B3C4D5E6F71", "first_name": "Ana", "last_name": "Silva",
            "email": "ana.silva@example.com", "phone": None,
            "deposit_balance": Decimal("0.00"), "product_count": 1, "snapshot_date": "2026-11-25"}


@pytest.fixture(scope="module")
def api(emulator: Emulator, artifacts: Artifacts, tmp_path_factory: pytest.TempPathFactory
        ) -> str:
    """A profiles table holding two customers who share an email, and the deployed API."""
    table = create_profiles_table(emulator, "c360-api-profiles")
    load_profiles(table, [ANA, ANA_TWIN], emulator.client("dynamodb"))
    return deploy_lambda(emulator, "c360-api-profile-api", artifacts.lambda_zip("profile_api"),
                         {"C360_PROFILES_TABLE": table})


def call(emulator: Emulator, function: str, path: str, query: dict[str, str] | None = None,
         method: str = "GET") -> tuple[int, Any]:
    """Invoke with an HTTP API (payload 2.0) event, as API Gateway or a function URL sends."""
    event = {"version": "2.0", "rawPath": path, "queryStringParameters": query,
             "requestContext": {"http": {"method": method, "path": path}}}
    answer = emulator.client("lambda").invoke(FunctionName=function, Payload=json.dumps(event))
    assert "FunctionError" not in answer, answer["Payload"].read()
    response = json.loads(answer["Payload"].read())
    assert response["headers"]["content-type"] == "application/json"
    return response["statusCode"], json.loads(response["body"])


def test_known_customer_id_returns_200_and_the_profile(emulator: Emulator, api: str) -> None:
    status, body = call(emulator, api, "/customers/C1A2B3C4D5E6F70")
    assert status == 200
    assert body == {"customer_id": "C1A2B3C4D5E6F70", "first_name": "Ana", "last_name": "Silva",
                    "email": "Ana.Silva@Example.com", "phone": "+1 (555) 010-4477",
                    "deposit_balance": 12034.5, "product_count": 3,
                    "snapshot_date": "2026-11-25"}


def test_unknown_customer_id_returns_404_json(emulator: Emulator, api: str) -> None:
    assert call(emulator, api, "/customers/C000000000000000") == (
        404, {"error": "not_found", "message": "customer C000000000000000 not found"})


def test_malformed_customer_id_returns_400_json(emulator: Emulator, api: str) -> None:
    status, body = call(emulator, api, "/customers/C1%27%20OR%201=1")
    assert (status, body["error"]) == (400, "bad_request")


def test_email_lookup_ignores_case_and_returns_every_customer_sharing_it(
        emulator: Emulator, api: str) -> None:
    status, body = call(emulator, api, "/customers", {"email": " ANA.SILVA@example.COM"})
    assert status == 200
    assert [c["customer_id"] for c in body["customers"]] == ["C1A2B3C4D5E6F70",
                                                             "C1A2B3C4D5E6F71"]


def test_phone_lookup_matches_on_digits_whatever_the_formatting(
        emulator: Emulator, api: str) -> None:
    status, body = call(emulator, api, "/customers", {"phone": "1-555-010-4477"})
    assert status == 200
    assert [c["customer_id"] for c in body["customers"]] == ["C1A2B3C4D5E6F70"]


def test_unknown_email_returns_404_json(emulator: Emulator, api: str) -> None:
    assert call(emulator, api, "/customers", {"email": "nobody@example.com"}) == (
        404, {"error": "not_found", "message": "no customer with this email"})


@pytest.mark.parametrize("query", [
    {"email": "not-an-email"},
    {"phone": "12"},
    {"email": "ana.silva@example.com", "phone": "5550104477"},
    None,
])
def test_malformed_lookup_returns_400_json(emulator: Emulator, api: str,
                                           query: dict[str, str] | None) -> None:
    status, body = call(emulator, api, "/customers", query)
    assert (status, body["error"]) == (400, "bad_request")


def test_other_method_returns_405_json(emulator: Emulator, api: str) -> None:
    status, body = call(emulator, api, "/customers/C1A2B3C4D5E6F70", method="DELETE")
    assert (status, body["error"]) == (405, "method_not_allowed")


def test_unknown_route_returns_404_json(emulator: Emulator, api: str) -> None:
    status, body = call(emulator, api, "/accounts/1")
    assert (status, body["error"]) == (404, "not_found")
