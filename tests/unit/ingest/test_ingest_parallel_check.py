"""A big delivery is checked by the caller and a pool of worker processes, and every file
is decided exactly as one process decides it: same verdicts, rows, reasons and notes, same
manifests, and a file whose bytes the ledger already holds is never checked."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from files_testkit import click_event, events_file, jsonl_gz

from c360.config import ConfigError, Settings
from c360.contracts import load_contracts
from c360.ingest import landing
from c360.ingest.landing import LandingReport, land
from c360.ingest.store import LocalStore
from c360.ingest.validate import FileCheck, check_file, checker_for

DAY = date(2026, 11, 25)
CLICKSTREAM = load_contracts()["clickstream_events"]
EVENTS = "clickstream/events"


def _event(n: int, hour: int, late: bool = False, **changes: object) -> str:
    happened = f"2026-11-24T{hour - 2 if late else hour:02d}:{n % 60:02d}:05Z"
    return json.dumps({**click_event(n, happened, f"2026-11-24T{hour:02d}:{n % 60:02d}:09Z"),
                       **changes})


def _batch(drop: Path, hour: int, channel: str, lines: list[str]) -> tuple[Path, str]:
    name = f"dt=2026-11-24/hour={hour:02d}/{channel}-0000.jsonl.gz"
    return jsonl_gz(drop / EVENTS / name, lines), name


def _delivery(drop: Path) -> list[tuple[Path, str]]:
    """An hourly-batch delivery with every kind of bad input the check tells apart."""
    files = [
        _batch(drop, 8, "web", [  # lands: one late and one bot event among clean ones
            *(_event(n, 8) for n in range(40)), _event(40, 8, late=True),
            _event(41, 8, user_agent="Mozilla/5.0 (compatible; Googlebot/2.1)")]),
        _batch(drop, 8, "app", [  # lands with notes: bad records, blank lines
            _event(100, 8), '{"event_id": "ev101", "event_time": ', "", "   ",
            _event(102, 8, device_id=None), _event(103, 8, experiment="b"),
            _event(104, 8, event_type=""), "[1, 2]", _event(105, 8)]),
        _batch(drop, 9, "web", ["{cut", "", "null"]),  # quarantined: no line is an object
        _batch(drop, 10, "web", ["", " \t"]),  # skipped: no records
        _batch(drop, 10, "app", ["", " \t"]),  # same bytes as a skipped file: checked again
        _batch(drop, 11, "web", [  # CRLF endings with a raw U+2028 in a value (text path)
            (_event(200, 11) + "\r\n"
             + json.dumps(json.loads(_event(201, 11, search_term="home\u2028loan")),
                          ensure_ascii=False))]),
    ]
    corrupt = drop / EVENTS / "dt=2026-11-24/hour=09/app-0000.jsonl.gz"
    corrupt.parent.mkdir(parents=True, exist_ok=True)
    corrupt.write_bytes(files[0][0].read_bytes()[:40])  # an upload cut short
    copy = drop / EVENTS / "dt=2026-11-24/hour=11/app-0000.jsonl.gz"
    copy.write_bytes(files[1][0].read_bytes())  # a re-sent batch inside the same delivery
    return [*files[:3], (corrupt, "dt=2026-11-24/hour=09/app-0000.jsonl.gz"), *files[3:],
            (copy, "dt=2026-11-24/hour=11/app-0000.jsonl.gz")]


def _batches(drop: Path, count: int) -> list[tuple[Path, str]]:
    """`count` hourly batches of ten clean events each, all different."""
    return [_batch(drop, hour, "web", [_event(hour * 100 + n, hour) for n in range(10)])
            for hour in range(count)]


def _land(raw: Path, files: list[tuple[Path, str]], workers: int,
          check: Callable[[Path], FileCheck] | None = None) -> LandingReport:
    return land(LocalStore(raw), "clickstream_events", files, "clickstream/events", DAY,
                "daily-2026-11-25", check=check or checker_for(CLICKSTREAM), workers=workers)


def _manifests(raw: Path) -> dict[str, dict]:
    return {str(p.relative_to(raw)): json.loads(p.read_text())
            for p in sorted(raw.rglob("_manifest.json"))}


def _checked_by(path: Path) -> FileCheck:
    """A check that says which process ran it."""
    return FileCheck(rows=1, notes=(f"checked by process {os.getpid()}",))


def _checked_by_after_a_worker(path: Path) -> FileCheck:
    """`_checked_by`; in the calling process, once a worker has checked a file (or 60 s)."""
    marker = path.parent.parent / "a-worker-checked-a-file"
    if multiprocessing.parent_process() is None:  # the caller: let a worker boot and work
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    else:
        marker.touch()
    return _checked_by(path)


def _check_refusing_copies(path: Path) -> FileCheck:
    """The clickstream check, failing loudly if it is ever asked about a re-sent copy."""
    if path.name.startswith("resent-"):
        raise AssertionError(f"{path.name} was checked: its bytes are already in the ledger")
    return check_file(CLICKSTREAM, path)


def _check_failing_on_hours_3_and_5(path: Path) -> FileCheck:
    """A check that breaks (a bug, not bad input) on the batches of hours 03 and 05."""
    if path.parent.name in ("hour=03", "hour=05"):
        raise ValueError(f"check failed on {path.parent.name}")
    return FileCheck(rows=10)


def test_pool_decides_every_file_of_a_delivery_with_bad_input_as_one_process_does(
        tmp_path, monkeypatch):
    monkeypatch.setattr(landing, "POOL_MIN_BYTES", 0)
    files = _delivery(tmp_path / "drop")
    one = _land(tmp_path / "raw-one", files, workers=1)
    pooled = _land(tmp_path / "raw-pool", files, workers=2)
    assert pooled == one
    assert _manifests(tmp_path / "raw-pool") == _manifests(tmp_path / "raw-one")
    assert [(f.path.split("run_id=daily-2026-11-25/")[1], f.rows, f.notes) for f in one.landed] == [
        ("dt=2026-11-24/hour=08/web-0000.jsonl.gz", 42, (
            "1 late event(s) (received in a later hour than they happened)",
            "1 event(s) with a bot user agent")),
        ("dt=2026-11-24/hour=08/app-0000.jsonl.gz", 7, (
            "2 invalid JSON line(s) (e.g. line [2, 8]); conform quarantines them",
            "unknown field(s) ignored: experiment (1)",
            "required field(s) missing; conform quarantines those records: device_id (1), "
            "event_type (1)")),
        ("dt=2026-11-24/hour=11/web-0000.jsonl.gz", 3, (
            "2 invalid JSON line(s) (e.g. line [2, 3]); conform quarantines them",)),
    ]
    assert [(q.source, q.rows, q.reason) for q in one.quarantined] == [
        ("web-0000.jsonl.gz", 2, "no line is a JSON object (2 lines, first bad at line 1)"),
        ("app-0000.jsonl.gz", 0, "corrupt gzip: Compressed file ended before the "
                                 "end-of-stream marker was reached"),
    ]
    assert one.skipped == [
        {"source": "web-0000.jsonl.gz", "reason": "empty file (no records)"},
        {"source": "app-0000.jsonl.gz", "reason": "empty file (no records)"},
        {"source": "app-0000.jsonl.gz",  # an earlier file of this delivery: its verdict, name
         "reason": "duplicate delivery: same bytes already land as "
                   "dt=2026-11-24/hour=08/app-0000.jsonl.gz (run daily-2026-11-25)"},
    ]


def test_delivery_of_at_least_the_pool_threshold_is_checked_by_the_caller_and_a_worker(
        tmp_path, monkeypatch):
    files = _batches(tmp_path / "drop", 6)
    monkeypatch.setattr(landing, "POOL_MIN_BYTES", sum(p.stat().st_size for p, _ in files))
    report = _land(tmp_path / "raw", files, workers=2, check=_checked_by_after_a_worker)
    checked_by = {f.notes[0] for f in report.landed}
    assert len(report.landed) == 6 and len(checked_by) == 2
    assert f"checked by process {os.getpid()}" in checked_by


def test_delivery_below_the_pool_threshold_is_checked_by_the_calling_process(
        tmp_path, monkeypatch):
    files = _batches(tmp_path / "drop", 6)
    monkeypatch.setattr(landing, "POOL_MIN_BYTES", sum(p.stat().st_size for p, _ in files) + 1)
    report = _land(tmp_path / "raw", files, workers=2, check=_checked_by)
    assert [f.notes for f in report.landed] == [(f"checked by process {os.getpid()}",)] * 6


def test_one_worker_checks_in_the_calling_process_whatever_the_size(tmp_path, monkeypatch):
    monkeypatch.setattr(landing, "POOL_MIN_BYTES", 0)
    report = _land(tmp_path / "raw", _batches(tmp_path / "drop", 6), workers=1,
                   check=_checked_by)
    assert [f.notes for f in report.landed] == [(f"checked by process {os.getpid()}",)] * 6


def test_pool_never_checks_a_file_whose_bytes_the_ledger_already_holds(tmp_path, monkeypatch):
    monkeypatch.setattr(landing, "POOL_MIN_BYTES", 0)
    drop = tmp_path / "drop"
    first = events_file(drop / EVENTS / "dt=2026-11-24/hour=08/web-0000.jsonl.gz",
                        [click_event(1, "2026-11-24T08:00:05Z", "2026-11-24T08:00:06Z")])
    land(LocalStore(tmp_path / "raw"), "clickstream_events",
         [(first, "dt=2026-11-24/hour=08/web-0000.jsonl.gz")], "clickstream/events",
         date(2026, 11, 24), "daily-2026-11-24", check=checker_for(CLICKSTREAM))
    resent = drop / "resent-web-0000.jsonl.gz"
    resent.write_bytes(first.read_bytes())
    new = [_batch(drop, 9, channel, [_event(n, 9)]) for n, channel in ((2, "web"), (3, "app"))]
    report = _land(tmp_path / "raw", [(resent, "dt=2026-11-24/hour=08/web-0000.jsonl.gz"), *new],
                   workers=2, check=_check_refusing_copies)
    assert [f.source for f in report.landed] == ["web-0000.jsonl.gz", "app-0000.jsonl.gz"]
    assert report.skipped == [{
        "source": "resent-web-0000.jsonl.gz",
        "reason": "duplicate delivery: same bytes already landed as clickstream/events/"
                  "ingest_date=2026-11-24/run_id=daily-2026-11-24/dt=2026-11-24/hour=08/"
                  "web-0000.jsonl.gz (run daily-2026-11-24)"}]


def test_checker_survives_pickling_for_the_pool(tmp_path):
    import pickle

    batch = events_file(tmp_path / "web-0000.jsonl.gz",
                        [click_event(1, "2026-11-24T08:00:05Z", "2026-11-24T08:00:06Z")])
    assert pickle.loads(pickle.dumps(checker_for(CLICKSTREAM)))(batch) == FileCheck(rows=1)


def test_ingest_workers_default_to_the_usable_cores_and_come_from_c360_ingest_workers():
    assert Settings.from_env({}).ingest_workers == len(os.sched_getaffinity(0))
    assert Settings.from_env({"C360_INGEST_WORKERS": "3"}).ingest_workers == 3
    with pytest.raises(ConfigError, match="C360_INGEST_WORKERS must be >= 1, got 0"):
        Settings.from_env({"C360_INGEST_WORKERS": "0"})


def test_failing_check_raises_for_the_first_file_in_delivery_order_and_nothing_lands(
        tmp_path, monkeypatch):
    monkeypatch.setattr(landing, "POOL_MIN_BYTES", 0)
    with pytest.raises(ValueError, match="^check failed on hour=03$"):
        _land(tmp_path / "raw", _batches(tmp_path / "drop", 8), workers=2,
              check=_check_failing_on_hours_3_and_5)
    assert list((tmp_path / "raw").rglob("*.jsonl.gz")) == []
    assert list((tmp_path / "raw").rglob("_manifest.json")) == []
