"""The loader's batching and retry of unprocessed items, against a stub DynamoDB client."""

from __future__ import annotations

from typing import Any

import pytest

from c360.serving.loader import LoadError, RetryPolicy, load_profiles


class StubDynamo:
    """Answers BatchGetItem with nothing stored; BatchWriteItem leaves `unprocessed` back
    for its first `failing_calls` calls."""

    def __init__(self, failing_calls: int = 0, unprocessed: int = 2) -> None:
        self.failing_calls = failing_calls
        self.unprocessed = unprocessed
        self.write_sizes: list[int] = []

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        return {"Responses": {name: [] for name in RequestItems}, "UnprocessedKeys": {}}

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        (table, requests), = RequestItems.items()
        self.write_sizes.append(len(requests))
        if len(self.write_sizes) <= self.failing_calls:
            return {"UnprocessedItems": {table: requests[: self.unprocessed]}}
        return {"UnprocessedItems": {}}


def rows(n: int) -> list[dict[str, Any]]:
    return [{"customer_id": f"C{i:015d}", "email": f"p{i}@example.com", "phone": None}
            for i in range(n)]


def no_sleep(policy_sleeps: list[float]) -> RetryPolicy:
    return RetryPolicy(attempts=4, base_seconds=0.1, max_seconds=0.3, sleep=policy_sleeps.append)


def test_writes_go_out_in_batches_of_at_most_25_requests() -> None:
    client = StubDynamo()
    report = load_profiles("profiles", rows(30), client)
    assert client.write_sizes == [25, 25, 10]  # 30 profiles + 30 email lookups
    assert (report.profiles, report.lookups_written, report.write_calls) == (30, 30, 3)


def test_unprocessed_items_are_resent_with_exponential_backoff() -> None:
    sleeps: list[float] = []
    client = StubDynamo(failing_calls=2, unprocessed=3)
    report = load_profiles("profiles", rows(2), client, no_sleep(sleeps))
    assert client.write_sizes == [4, 3, 3]
    assert sleeps == [0.1, 0.2]
    assert report.requests_retried == 6


def test_load_fails_naming_the_count_when_items_stay_unprocessed() -> None:
    sleeps: list[float] = []
    client = StubDynamo(failing_calls=99, unprocessed=2)
    with pytest.raises(LoadError, match="profiles: 2 write requests still unprocessed after 4"):
        load_profiles("profiles", rows(1), client, no_sleep(sleeps))
    assert sleeps == [0.1, 0.2, 0.3]


def test_load_refuses_a_customer_appearing_twice() -> None:
    with pytest.raises(ValueError, match="C000000000000001 appears twice"):
        load_profiles("profiles", [*rows(2), rows(2)[1]], StubDynamo())
