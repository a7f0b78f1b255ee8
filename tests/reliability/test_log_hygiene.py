"""The demo's logs: structured JSON with run ids, steps and counts, and nobody's data."""

from __future__ import annotations

import json

import pytest
from conftest import Demo
from pii import population, scan_text

pytestmark = pytest.mark.xdist_group("demo-lake")


def test_demo_logs_are_json_lines_naming_run_step_and_rows(demo: Demo) -> None:
    lines = [json.loads(line) for line in demo.stderr.splitlines()]
    manifest = json.loads((demo.lake / "_runs" / "latest.json").read_text())
    finished = {(line["run_id"], line["step"]): line["rows_out"] for line in lines
                if line["message"] == "step finished"}
    assert finished == {(manifest["run_id"], s["step"]): s["rows_out"]
                        for s in manifest["steps"]}
    assert {line["level"] for line in lines} <= {"INFO", "WARNING"}


def test_demo_logs_hold_no_personal_data_of_the_population(demo: Demo) -> None:
    needles: dict[str, str] = {}
    for person in population(demo.sources):
        needles.update(person.needles())
    assert len(needles) > 2000  # emails, phones in six shapes, national ids, names
    assert scan_text(demo.stderr, needles) == []
