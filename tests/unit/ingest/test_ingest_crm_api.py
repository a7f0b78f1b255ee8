"""The simulated CRM API (producer): pagination, lookups, client errors, injected faults."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from crm_testkit import crm_record, crm_records

from c360.sources.crm_api import CrmApi, CustomerStore, Faults, api_event, encode_cursor, serve


def _get(api: CrmApi, path: str, **query: str) -> dict:
    return api.handle(api_event(path, query))


def _pages(api: CrmApi, **query: str) -> list[dict]:
    pages = [json.loads(_get(api, "/customers", **query)["body"])]
    while pages[-1]["next"]:
        path, _, qs = pages[-1]["next"].partition("?")
        params = dict(p.split("=", 1) for p in qs.split("&"))
        from urllib.parse import unquote

        pages.append(json.loads(_get(api, path, **{k: unquote(v) for k, v in params.items()})
                                ["body"]))
    return pages


def test_listing_serves_every_record_once_in_updated_at_then_id_order():
    records = crm_records(23)
    api = CrmApi(CustomerStore(reversed(records)))
    pages = _pages(api, limit="5")
    served = [r["id"] for page in pages for r in page["data"]]
    expected = [r["id"] for r in sorted(records, key=lambda r: (r["updated_at"], r["id"]))]
    assert served == expected
    assert [p["count"] for p in pages] == [5, 5, 5, 5, 3]
    assert pages[-1]["next"] is None and pages[-1]["next_cursor"] is None


def test_next_link_carries_cursor_limit_and_updated_since():
    api = CrmApi(CustomerStore(crm_records(4)))
    body = json.loads(_get(api, "/customers", limit="2",
                           updated_since="2026-11-20T00:00:00Z")["body"])
    last = body["data"][-1]
    assert body["next_cursor"] == encode_cursor(last["updated_at"], last["id"])
    assert body["next"] == ("/customers?updated_since=2026-11-20T00%3A00%3A00Z&cursor="
                            f"{body['next_cursor']}&limit=2")


def test_updated_since_is_inclusive():
    store = CustomerStore([crm_record(1, "2026-11-20T09:00:00Z"),
                           crm_record(2, "2026-11-20T10:00:00Z"),
                           crm_record(3, "2026-11-20T11:00:00Z")])
    body = json.loads(_get(CrmApi(store), "/customers",
                           updated_since="2026-11-20T10:00:00+00:00")["body"])
    assert [r["id"] for r in body["data"]] == ["CRM-0000002", "CRM-0000003"]


def test_customer_by_id_returns_the_record():
    record = crm_record(7, "2026-11-20T10:00:00Z")
    response = _get(CrmApi(CustomerStore([record])), "/customers/CRM-0000007")
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == record


def test_unknown_customer_is_404():
    response = _get(CrmApi(CustomerStore(crm_records(2))), "/customers/CRM-0009999")
    assert response["statusCode"] == 404


@pytest.mark.parametrize("query, message", [
    ({"limit": "0"}, "limit must be between 1 and 1000"),
    ({"limit": "ten"}, "is not an integer"),
    ({"cursor": "%%%"}, "is not valid"),
    ({"updated_since": "yesterday"}, "is not an ISO-8601 time"),
    ({"page": "2"}, "unknown parameter"),
])
def test_bad_query_is_400_naming_the_problem(query, message):
    response = _get(CrmApi(CustomerStore(crm_records(2))), "/customers", **query)
    assert response["statusCode"] == 400
    assert message in json.loads(response["body"])["error"]


def test_http_api_v2_event_is_understood():
    event = {"rawPath": "/customers/CRM-0000001", "requestContext": {"http": {"method": "GET"}}}
    response = CrmApi(CustomerStore(crm_records(1))).handle(event)
    assert json.loads(response["body"])["id"] == "CRM-0000001"


def test_rate_limit_fault_answers_429_with_retry_after_on_every_nth_request():
    api = CrmApi(CustomerStore(crm_records(3)), Faults(rate_limit_every=2, retry_after_seconds=7))
    statuses = [_get(api, "/customers")["statusCode"] for _ in range(4)]
    assert statuses == [200, 429, 200, 429]
    assert _get(api, "/customers")["statusCode"] == 200
    assert api.handle(api_event("/customers"))["headers"]["Retry-After"] == "7"


def test_server_error_fault_answers_5xx():
    api = CrmApi(CustomerStore(crm_records(3)), Faults(server_error_every=2))
    assert [_get(api, "/customers")["statusCode"] for _ in range(4)] == [200, 500, 200, 500]


def test_truncate_fault_cuts_the_body_so_it_is_not_json():
    api = CrmApi(CustomerStore(crm_records(3)), Faults(truncate_every=2))
    _get(api, "/customers")
    response = _get(api, "/customers")
    assert response["statusCode"] == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response["body"])


def test_slow_fault_delays_the_answer_by_the_configured_seconds():
    slept: list[float] = []
    api = CrmApi(CustomerStore(crm_records(3)), Faults(slow_every=2, slow_seconds=3.5),
                 sleep=slept.append)
    for _ in range(4):
        _get(api, "/customers")
    assert slept == [3.5, 3.5]


def test_repeat_fault_serves_the_configured_page_twice_then_moves_on():
    records = crm_records(6)
    api = CrmApi(CustomerStore(records), Faults(repeat_page=2))
    pages = _pages(api, limit="2")
    ids = [[r["id"] for r in p["data"]] for p in pages]
    assert ids == [["CRM-0000001", "CRM-0000002"], ["CRM-0000003", "CRM-0000004"],
                   ["CRM-0000003", "CRM-0000004"], ["CRM-0000005", "CRM-0000006"]]


def test_a_fault_every_request_is_refused():
    with pytest.raises(ValueError, match="rate_limit_every must be 0"):
        Faults(rate_limit_every=1)


def test_faults_from_json_reject_unknown_names():
    assert Faults.from_json('{"truncate_every": 3}') == Faults(truncate_every=3)
    with pytest.raises(ValueError, match="unknown CRM fault"):
        Faults.from_json('{"explode": 1}')


def test_http_server_on_loopback_serves_the_api_and_stops():
    api = CrmApi(CustomerStore(crm_records(3)), Faults(rate_limit_every=2))
    with serve(api) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "/customers?limit=2", timeout=5) as response:
            body = json.loads(response.read())
        with pytest.raises(urllib.error.HTTPError) as limited:
            urllib.request.urlopen(server.url + "/customers", timeout=5)
    assert [r["id"] for r in body["data"]] == ["CRM-0000001", "CRM-0000002"]
    assert limited.value.code == 429 and limited.value.headers["Retry-After"] == "1"
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(server.url + "/customers", timeout=2)
