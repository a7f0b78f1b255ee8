"""CRM consumer: with every fault the producer can throw, RAW ends with exactly its records."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from crm_testkit import crm_record, crm_records, identity, landed_records

from c360.ingest.checkpoints import Checkpoints
from c360.ingest.crm import (
    CrmIngestError,
    HttpTransport,
    ProxyTransport,
    RetryPolicy,
    ingest_crm,
    part_slices,
)
from c360.ingest.store import DeliveryWriter, LocalStore, ObjectStore
from c360.sources.crm_api import CrmApi, CustomerStore, Faults, serve

DAY = date(2026, 11, 25)
FAST = RetryPolicy(attempts=6, initial_seconds=0.01, max_seconds=0.05, jitter_seconds=0.01)


def _run(transport, raw: Path, work: Path, run_id: str = "hourly-1", sleeps=None, **kw):
    record = sleeps.append if sleeps is not None else (lambda s: None)
    return ingest_crm(transport, LocalStore(raw), DAY, run_id, work, page_limit=4,
                      policy=FAST, sleep=record, **kw)


def _last_key(records):
    last = max(records, key=lambda r: (r["updated_at"], r["id"]))
    return {"updated_at": last["updated_at"], "id": last["id"]}


FAULTS = {
    "rate_limit_429": Faults(rate_limit_every=3, retry_after_seconds=0.01),
    "server_error_5xx": Faults(server_error_every=3),
    "slow_response": Faults(slow_every=3, slow_seconds=1.5),
    "truncated_body": Faults(truncate_every=3),
    "repeated_page": Faults(repeat_page=2),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_consumer_lands_exactly_the_producers_records_when_the_api_misbehaves(fault, tmp_path):
    records = crm_records(18)
    api = CrmApi(CustomerStore(records), FAULTS[fault])
    with serve(api) as server:
        result = _run(HttpTransport(server.url, timeout=1.0), tmp_path / "raw", tmp_path / "w")
    landed = landed_records(tmp_path / "raw")
    assert identity(landed) == identity(records)
    assert len(landed) == len(records)  # no duplicate either
    assert Checkpoints(LocalStore(tmp_path / "raw")).get("crm_customers") == _last_key(records)
    assert result.checkpoint_after == _last_key(records)
    assert api.faults_served  # the fault really happened


def test_retry_waits_what_retry_after_says(tmp_path):
    api = CrmApi(CustomerStore(crm_records(5)), Faults(rate_limit_every=2, retry_after_seconds=3))
    sleeps: list[float] = []
    _run(ProxyTransport(api.handle), tmp_path / "raw", tmp_path / "w", sleeps=sleeps)
    assert sleeps and all(s == 0.05 for s in sleeps)  # Retry-After 3 s, capped by max_seconds


def test_retry_backs_off_exponentially_with_jitter_without_retry_after(tmp_path):
    records = crm_records(3)
    calls = {"n": 0}
    api = CrmApi(CustomerStore(records))

    def flaky(event):
        calls["n"] += 1
        if calls["n"] <= 3:
            return {"statusCode": 503, "headers": {}, "body": "{}"}
        return api.handle(event)

    sleeps: list[float] = []
    policy = RetryPolicy(attempts=5, initial_seconds=1.0, max_seconds=60, jitter_seconds=0.5)
    ingest_crm(ProxyTransport(flaky), LocalStore(tmp_path / "raw"), DAY, "r", tmp_path / "w",
               policy=policy, sleep=sleeps.append)
    assert len(sleeps) == 3
    for attempt, slept in enumerate(sleeps):
        assert 2**attempt <= slept <= 2**attempt + 0.5


def test_second_run_lands_only_what_changed_since_the_checkpoint(tmp_path):
    records = crm_records(10)
    store = CustomerStore(records)
    api = CrmApi(store)
    _run(ProxyTransport(api.handle), tmp_path / "raw", tmp_path / "w", run_id="hourly-1")
    changed = {**records[2], "email": "new.address@example.com",
               "updated_at": "2026-11-21T08:00:00Z"}
    added = crm_record(99, "2026-11-21T08:00:00Z")
    store.upsert(changed)
    store.upsert(added)
    second = _run(ProxyTransport(api.handle), tmp_path / "raw", tmp_path / "w", run_id="hourly-2")
    assert second.records == 2
    second_file = tmp_path / "raw" / second.landing.delivery / second.landing.landed[0].path \
        .rsplit("/", 1)[-1]
    with gzip.open(second_file, "rt") as handle:
        assert [json.loads(line)["id"] for line in handle] == ["CRM-0000003", "CRM-0000099"]
    assert identity(landed_records(tmp_path / "raw")) == identity([*records, changed, added])
    assert second.checkpoint_after == {"updated_at": "2026-11-21T08:00:00Z", "id": "CRM-0000099"}


def test_a_run_with_nothing_new_lands_nothing_and_keeps_the_checkpoint(tmp_path):
    api = CrmApi(CustomerStore(crm_records(6)))
    first = _run(ProxyTransport(api.handle), tmp_path / "raw", tmp_path / "w", run_id="r1")
    again = _run(ProxyTransport(api.handle), tmp_path / "raw", tmp_path / "w", run_id="r2")
    assert again.records == 0 and again.landing is None
    assert again.checkpoint_after == first.checkpoint_after
    assert len(landed_records(tmp_path / "raw")) == 6


def test_records_with_the_checkpoints_timestamp_but_a_later_id_are_not_lost(tmp_path):
    store = CustomerStore([crm_record(1, "2026-11-20T10:00:00Z"),
                           crm_record(2, "2026-11-20T10:00:00Z")])
    api = CrmApi(store)
    _run(ProxyTransport(api.handle), tmp_path / "raw", tmp_path / "w", run_id="r1")
    late = crm_record(3, "2026-11-20T10:00:00Z")  # same second, committed after the first run
    store.upsert(late)
    second = _run(ProxyTransport(api.handle), tmp_path / "raw", tmp_path / "w", run_id="r2")
    assert second.records == 1
    assert len(landed_records(tmp_path / "raw")) == 3


def test_landed_lines_are_json_objects_never_python_reprs(tmp_path):
    api = CrmApi(CustomerStore([crm_record(4, "2026-11-20T10:00:00Z")]))
    _run(ProxyTransport(api.handle), tmp_path / "raw", tmp_path / "w")
    path = next((tmp_path / "raw" / "crm" / "customers").rglob("*.jsonl.gz"))
    line = gzip.decompress(path.read_bytes()).decode().strip()
    assert json.loads(line)["address"]["line1"] == "4 Oak St"
    assert "'" not in line and "None" not in line and "True" not in line


def test_records_are_cut_into_the_fewest_parts_of_at_most_the_limit_sizes_within_one():
    assert [(p.start, p.stop) for p in part_slices(87_441, 25_000)] == [
        (0, 21_861), (21_861, 43_721), (43_721, 65_581), (65_581, 87_441)]
    assert [(p.start, p.stop) for p in part_slices(25_000, 25_000)] == [(0, 25_000)]
    assert [(p.start, p.stop) for p in part_slices(0, 25_000)] == [(0, 0)]


def test_a_delivery_above_the_part_limit_lands_as_ordered_parts_of_one_delivery(tmp_path):
    records = crm_records(5)
    api = CrmApi(CustomerStore(records))

    result = _run(ProxyTransport(api.handle), tmp_path / "raw", tmp_path / "w", part_records=2)

    landed = sorted(result.landing.landed, key=lambda f: f.path)
    assert [(f.path.rsplit("/", 1)[-1], f.rows) for f in landed] == [
        ("part-2026-11-20-0000005-000.jsonl.gz", 2),
        ("part-2026-11-20-0000005-001.jsonl.gz", 2),
        ("part-2026-11-20-0000005-002.jsonl.gz", 1)]
    folder = tmp_path / "raw" / result.landing.delivery
    ids = []
    for f in landed:
        with gzip.open(folder / f.path.rsplit("/", 1)[-1], "rt") as handle:
            ids.extend(json.loads(line)["id"] for line in handle)
    assert ids == ["CRM-0000001", "CRM-0000002", "CRM-0000003", "CRM-0000004", "CRM-0000005"]
    assert result.checkpoint_after == _last_key(records)


class Crash(Exception):
    """A simulated process death at a chosen write."""


class CrashingStore(ObjectStore):
    """A LocalStore that dies before its N-th write (object or delivery commit)."""

    def __init__(self, root: Path, crash_at: int) -> None:
        self.inner = LocalStore(root)
        self.crash_at = crash_at
        self.writes = 0

    def _tick(self) -> None:
        self.writes += 1
        if self.writes == self.crash_at:
            raise Crash(f"crash at write {self.writes}")

    def read(self, key):
        return self.inner.read(key)

    def write(self, key, data):
        self._tick()
        self.inner.write(key, data)

    def list(self, prefix):
        return self.inner.list(prefix)

    def delete(self, key):
        self._tick()
        self.inner.delete(key)

    def uri(self, key):
        return self.inner.uri(key)

    def delivery(self, prefix) -> DeliveryWriter:
        writer = self.inner.delivery(prefix)
        commit = writer.commit

        def crashing_commit(manifest: bytes) -> None:
            self._tick()
            commit(manifest)

        writer.commit = crashing_commit  # type: ignore[method-assign]
        return writer


@pytest.mark.parametrize("part_records", [25_000, 4], ids=["one file", "parts of 4"])
def test_a_crash_at_any_write_followed_by_a_rerun_ends_with_exactly_the_producers_records(
        tmp_path, part_records):
    records = crm_records(9)
    crash_points = 0
    for crash_at in range(1, 20):
        raw = tmp_path / f"raw-{crash_at}"
        store = CustomerStore(records[:6])
        api = CrmApi(store)
        crashing = CrashingStore(raw, crash_at)
        try:
            ingest_crm(ProxyTransport(api.handle), crashing, DAY, "r1", tmp_path / "w",
                       page_limit=4, policy=FAST, sleep=lambda s: None,
                       part_records=part_records)
        except Crash:
            crash_points += 1
        else:
            break
        for record in records[6:]:  # the CRM moves on before the rerun
            store.upsert(record)
        ingest_crm(ProxyTransport(api.handle), LocalStore(raw), DAY, "r2", tmp_path / "w",
                   page_limit=4, policy=FAST, sleep=lambda s: None, part_records=part_records)
        landed = landed_records(raw)
        assert identity(landed) == identity(records), f"crash at write {crash_at}"
        assert len(landed) == len(records), f"duplicates after a crash at write {crash_at}"
        assert Checkpoints(LocalStore(raw)).get("crm_customers") == _last_key(records)
    assert crash_points >= 4  # pending, data, ledger, checkpoint, clear: every step was hit
    assert crash_at < 19  # the loop ended on a run that did not crash


def test_gives_up_after_the_configured_attempts_and_leaves_the_checkpoint(tmp_path):
    def down(event):
        return {"statusCode": 503, "headers": {}, "body": ""}

    with pytest.raises(CrmIngestError, match="gave up after 6 attempts"):
        _run(ProxyTransport(down), tmp_path / "raw", tmp_path / "w")
    assert Checkpoints(LocalStore(tmp_path / "raw")).get("crm_customers") is None
    assert not (tmp_path / "raw" / "crm").exists()


def test_client_error_is_not_retried(tmp_path):
    calls = []

    def forbidden(event):
        calls.append(event)
        return {"statusCode": 403, "headers": {}, "body": '{"error": "forbidden"}'}

    with pytest.raises(CrmIngestError, match="HTTP 403"):
        _run(ProxyTransport(forbidden), tmp_path / "raw", tmp_path / "w")
    assert len(calls) == 1


def test_a_next_link_that_never_advances_is_reported_as_a_loop(tmp_path):
    page = {"data": [crm_record(1, "2026-11-20T10:00:00Z")], "next": "/customers?cursor=x"}

    def stuck(event):
        return {"statusCode": 200, "headers": {}, "body": json.dumps(page)}

    with pytest.raises(CrmIngestError, match="pagination loop"):
        _run(ProxyTransport(stuck), tmp_path / "raw", tmp_path / "w")
