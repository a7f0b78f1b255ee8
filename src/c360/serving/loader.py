"""Load profile rows into the DynamoDB profiles table: idempotent, batched, retried.

Two loads of the same rows leave the same items: every write is a full `Put` of
a deterministic item (no load timestamps). Writes go out as `BatchWriteItem`
calls of at most 25 requests; `UnprocessedItems` are re-sent with exponential
backoff until they land or the attempts run out (then `LoadError`). The backoff
is a few lines here rather than tenacity: the project pins tenacity 9.2.1,
which needs Python >= 3.10, and this module runs in Glue's Python 3.9 shell.
When a customer's email or phone changed since the last load, the lookup items
of the old values are deleted: the profile item remembers its `lookup_keys`.
Customers missing from the new rows are left in place (see docs/emulator.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from c360.serving import items, keys

log = logging.getLogger("c360.serving.loader")

WRITE_BATCH = 25
"""DynamoDB's limit of requests per BatchWriteItem call."""
READ_BATCH = 100
"""DynamoDB's limit of keys per BatchGetItem call; also the customers handled per round."""


class LoadError(RuntimeError):
    """Items could not be written (or read) after every retry; the message says how many."""


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for unprocessed items: base·2^n seconds, capped, at most `attempts` calls."""

    attempts: int = 8
    base_seconds: float = 0.05
    max_seconds: float = 5.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    def delays(self) -> Iterator[float]:
        """The pause before each retry (attempts - 1 of them)."""
        for n in range(self.attempts - 1):
            yield min(self.max_seconds, self.base_seconds * 2 ** n)


@dataclass
class LoadReport:
    """What one load did, for logs and the run report."""

    profiles: int = 0
    lookups_written: int = 0
    lookups_removed: int = 0
    write_calls: int = 0
    requests_retried: int = 0


def _chunks(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_batch(client: Any, table: str, requests: list[dict[str, Any]], policy: RetryPolicy,
                report: LoadReport) -> None:
    """One BatchWriteItem of ≤25 requests, re-sending unprocessed ones with backoff."""
    if len(requests) > WRITE_BATCH:
        raise ValueError(f"a batch holds at most {WRITE_BATCH} requests, got {len(requests)}")
    pending = requests
    delays = policy.delays()
    while True:
        report.write_calls += 1
        response = client.batch_write_item(RequestItems={table: pending})
        pending = response.get("UnprocessedItems", {}).get(table, [])
        if not pending:
            return
        report.requests_retried += len(pending)
        delay = next(delays, None)
        if delay is None:
            raise LoadError(f"{table}: {len(pending)} write requests still unprocessed after "
                            f"{policy.attempts} attempts")
        policy.sleep(delay)


def _existing_lookup_pks(client: Any, table: str, customer_ids: list[str],
                         policy: RetryPolicy) -> dict[str, list[str]]:
    """customer_id → lookup pks recorded on its stored profile item (if any)."""
    pending: dict[str, Any] = {
        table: {
            "Keys": [{k: {"S": v} for k, v in keys.profile_key(c).items()} for c in customer_ids],
            "ProjectionExpression": "customer_id, lookup_keys",
            "ConsistentRead": True,
        }
    }
    found: dict[str, list[str]] = {}
    delays = policy.delays()
    while True:
        response = client.batch_get_item(RequestItems=pending)
        for item in response.get("Responses", {}).get(table, []):
            found[item["customer_id"]["S"]] = [
                v["S"] for v in item.get("lookup_keys", {}).get("L", [])]
        pending = response.get("UnprocessedKeys") or {}
        if not pending.get(table, {}).get("Keys"):
            return found
        delay = next(delays, None)
        if delay is None:
            raise LoadError(f"{table}: {len(pending[table]['Keys'])} profile reads still "
                            f"unprocessed after {policy.attempts} attempts")
        policy.sleep(delay)


def _requests_for(rows: list[Mapping[str, Any]], old_pks: Mapping[str, list[str]]
                  ) -> list[dict[str, Any]]:
    """Put requests for profiles and lookups, Delete requests for stale lookups."""
    requests: list[dict[str, Any]] = []
    for row in rows:
        customer_id = str(row["customer_id"])
        requests.append({"PutRequest": {"Item": items.profile_item(row)}})
        requests.extend({"PutRequest": {"Item": i}} for i in items.lookup_items(row))
        current = set(items.lookup_pks(row))
        for stale in sorted(set(old_pks.get(customer_id, [])) - current):
            key = {k: {"S": v} for k, v in keys.lookup_key(stale, customer_id).items()}
            requests.append({"DeleteRequest": {"Key": key}})
    return requests


def load_profiles(table: str, rows: Iterable[Mapping[str, Any]], client: Any,
                  policy: RetryPolicy | None = None) -> LoadReport:
    """Write every profile row (and its email/phone lookups) into `table`.

    `client` is a boto3 DynamoDB client (low-level API). Rows are handled 100
    customers at a time, so memory stays flat whatever the snapshot size.
    """
    policy = policy or RetryPolicy()
    report = LoadReport()
    seen: set[str] = set()
    for chunk in _chunks(rows, READ_BATCH):
        ids = [row.get("customer_id") for row in chunk]
        for customer_id in ids:
            if not isinstance(customer_id, str) or not keys.is_customer_id(customer_id):
                raise items.ItemError(f"profile row has no valid customer_id: {customer_id!r}")
            if customer_id in seen:
                raise items.ItemError(f"customer {customer_id} appears twice in the profile rows")
            seen.add(customer_id)
        old = _existing_lookup_pks(client, table, ids, policy)
        requests = _requests_for(chunk, old)
        for batch in _chunks(requests, WRITE_BATCH):
            write_batch(client, table, batch, policy, report)
        report.profiles += len(chunk)
        report.lookups_written += sum(
            1 for r in requests if "PutRequest" in r and r["PutRequest"]["Item"]["sk"]["S"]
            != keys.PROFILE_SK)
        report.lookups_removed += sum(1 for r in requests if "DeleteRequest" in r)
    log.info("loaded %d profiles into %s (%d lookups written, %d removed, %d calls)",
             report.profiles, table, report.lookups_written, report.lookups_removed,
             report.write_calls)
    return report
