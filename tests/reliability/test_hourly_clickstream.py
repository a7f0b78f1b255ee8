"""An hourly run conforms only its own clickstream delivery and adds it to STAGE."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import DAY1, Demo, c360, copy_lake

from c360.engine.duckdb_engine import DuckDBEngine
from c360.lake import Lake
from c360.models import load_model

pytestmark = pytest.mark.xdist_group("demo-lake")
RUN = f"hourly-{DAY1.isoformat()}"


def _events(lake: Path, table: str = "stg_clickstream_events") -> list[dict[str, object]]:
    return pq.read_table(lake / "stage" / table).to_pylist()


def _a_staged_event(sources: Path, staged: set[str]) -> dict[str, object]:
    """The raw JSON of one event that is in STAGE (the sources hold bad lines on purpose)."""
    for path in sorted((sources / "clickstream").rglob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict) and event.get("event_id") in staged:
                    return event
    raise AssertionError("no staged event found in the sources")


@pytest.fixture(scope="module")
def hourly(demo: Demo, tmp_path_factory: pytest.TempPathFactory):
    """Demo lake + one new clickstream hour: two new events and one already staged."""
    work = tmp_path_factory.mktemp("hourly-clickstream")
    lake = copy_lake(demo.lake, work / "lake")
    before = _events(lake)
    template = _a_staged_event(demo.sources, {str(e["event_id"]) for e in before})
    resent = {**template}  # an event already staged, delivered again
    new = [{**template, "event_id": f"hourly-test-{n}",
            "event_time": f"{DAY1.isoformat()}T10:0{n}:00Z",
            "received_at": f"{DAY1.isoformat()}T10:0{n}:30Z"} for n in (1, 2)]
    sources = work / "sources"
    shutil.copytree(demo.sources / "crm", sources / "crm")
    hour = sources / "clickstream" / "events" / f"dt={DAY1.isoformat()}" / "hour=10"
    hour.mkdir(parents=True)
    with gzip.open(hour / "web-0000.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(json.dumps(e) for e in [*new, resent]) + "\n")
    done = c360("run", "--schedule", "hourly", "--sources", str(sources),
                "--logical-date", DAY1.isoformat(), lake=lake)
    assert done.returncode == 0, done.stderr[-3000:]
    manifest = json.loads((lake / "_runs" / RUN / "manifest.json").read_text())
    steps = {s["step"]: s for s in manifest["steps"]}
    return lake, before, steps, template["event_id"]


def test_hourly_conform_reads_only_the_runs_delivery(hourly) -> None:
    _, _, steps, _ = hourly
    step = steps["stg_clickstream_events"]
    assert step["details"]["mode"] == "increment"
    assert (step["details"]["raw_files"], step["rows_in"]) == (1, 3)
    assert (step["rows_out"], step["rows_quarantined"]) == (2, 1)


def test_hourly_conform_adds_the_new_events_and_keeps_every_staged_one(hourly) -> None:
    lake, before, _, _ = hourly
    after = _events(lake)
    assert len(after) == len(before) + 2
    ids = {e["event_id"] for e in after}
    assert {e["event_id"] for e in before} | {"hourly-test-1", "hourly-test-2"} == ids


def test_event_delivered_again_is_quarantined_as_already_staged(hourly) -> None:
    lake, _, _, resent_id = hourly
    reasons = [e["_reason"] for e in _events(lake, "quarantine_clickstream_events")
               if e["event_id"] == resent_id]
    assert reasons == ["duplicate: event_id already staged from an earlier delivery"]


def _sessions(lake: Path) -> list[dict[str, object]]:
    rows = pq.read_table(lake / "analytics" / "fct_digital_sessions").to_pylist()
    return sorted(rows, key=lambda r: str(r["session_key"]))


def test_hourly_sessions_equal_a_full_recompute_over_the_same_events(hourly, tmp_path) -> None:
    lake, _, steps, _ = hourly
    # The two new events are copies of one event: one collector session, or (without a
    # session id) one device's gap sessions, was recomputed.
    new = [e for e in _events(lake) if str(e["event_id"]).startswith("hourly-test-")]
    touched = (1, 0) if new[0]["session_id"] is not None else (0, 1)
    details = steps["fct_digital_sessions"]["details"]
    assert (details["mode"], details["sessions_touched"], details["gap_devices_touched"]) == (
        "incremental", *touched)
    full = copy_lake(lake, tmp_path / "lake")
    with DuckDBEngine(Lake.local(full)) as engine:
        engine.run_model(load_model("spark", "fct_digital_sessions"),
                         {"logical_date": DAY1, "run_id": f"daily-{DAY1.isoformat()}"})
    assert _sessions(lake) == _sessions(full)
