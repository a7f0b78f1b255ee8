"""`C360_LAKE_ROOT` points every command at the lake an operator chooses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DAY1, Demo, c360, copy_lake, latest_profiles

pytestmark = pytest.mark.xdist_group("demo-lake")


@pytest.fixture
def lake(demo: Demo, tmp_path: Path) -> Path:
    return copy_lake(demo.lake, tmp_path / "operators" / "lake")


def test_profile_reads_the_lake_at_c360_lake_root(lake: Path) -> None:
    customer = sorted(latest_profiles(lake))[0]
    shown = c360("profile", customer, "--json", lake=lake)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["customer_id"] == customer


def test_run_writes_into_the_lake_at_c360_lake_root(lake: Path, demo: Demo) -> None:
    done = c360("run", "--schedule", "hourly", "--sources", str(demo.sources),
                "--logical-date", DAY1.isoformat(), lake=lake)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (lake / "_runs" / f"hourly-{DAY1.isoformat()}" / "manifest.json").is_file()


def test_identity_evaluate_scores_the_lake_at_c360_lake_root(lake: Path, demo: Demo) -> None:
    scored = c360("identity", "evaluate", "--sources", str(demo.sources), "--json", lake=lake)
    assert scored.returncode == 0, scored.stderr[-2000:]
    assert json.loads(scored.stdout)


def test_erase_works_on_the_lake_at_c360_lake_root(lake: Path) -> None:
    done = c360("erase", "--email", "nobody@example.com", "--requested-by", "ops", lake=lake)
    assert done.returncode == 0, done.stderr[-2000:]
    assert list((lake / "raw" / "_erasure" / "requests").glob("*.json"))


def test_demo_builds_its_lake_at_c360_lake_root_when_set(tmp_path: Path) -> None:
    lake = tmp_path / "elsewhere"
    done = c360("demo", "--customers", "40", "--workdir", str(tmp_path / "work"), lake=lake)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (lake / "_runs" / "latest.json").is_file()
    assert not (tmp_path / "work" / "lake").exists()


def test_missing_lake_is_one_clear_error(tmp_path: Path) -> None:
    shown = c360("profile", "C0000000001", lake=tmp_path / "no-lake")
    assert shown.returncode == 1
    assert shown.stderr.startswith("error: ")
    assert "Traceback" not in shown.stderr
