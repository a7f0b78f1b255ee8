"""The EMR Spark step `dim_customer_preferences` as deployed: the lake as URIs, the
Athena-written (Iceberg in AWS) dimensions read from the state machine's exports.

The daily run's lake is copied; the five Athena-written dimensions the step reads are
moved to where the state machine's UNLOADs put them
(`_exports/<execution>/dim_customer_preferences/<table>/`), so their own folders are
empty; the job gets the layers as `file://` URIs (its writes go through Hadoop's file
system, as on S3) and the export prefix, exactly as the generated state machine passes
them (`--c360-<layer>-bucket` there).
"""

from __future__ import annotations

import json
import runpy
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from c360.lake import LAYERS
from c360.models import athena_written
from c360.pipeline.steps import build_steps

pytestmark = pytest.mark.spark
REPO = Path(__file__).resolve().parents[2]
PREFIX = "_exports/c360-daily-2026-11-25-exec/dim_customer_preferences"


def _rows(folder: Path) -> list[dict]:
    return sorted(pq.read_table(folder).to_pylist(), key=lambda r: r["customer_id"])


def test_preferences_job_reads_the_exported_dimensions_and_writes_the_same_rows(
        duckdb_run, tmp_path, capsys) -> None:
    from c360.engine.spark_engine import local_spark_session

    settings, _ = duckdb_run
    lake = tmp_path / "lake"
    shutil.copytree(settings.lake_root, lake)
    step = {s.name: s for s in build_steps()}["dim_customer_preferences"]
    exported = athena_written(step.inputs)
    assert exported == ["dim_customer_loyalty", "dim_customer_products",
                        "dim_customer_transactions", "dim_customer_digital",
                        "dim_customer_service"]
    for table in exported:
        shutil.move(lake / "analytics" / table, lake / "analytics" / PREFIX / table)
    expected = _rows(lake / "analytics" / "dim_customer_preferences")
    shutil.rmtree(lake / "analytics" / "dim_customer_preferences")

    local_spark_session()
    main = runpy.run_path(str(REPO / "jobs/emr/customer_preferences.py"))["main"]
    main([*(arg for layer in LAYERS for arg in (f"--c360-{layer}-uri", f"file://{lake}/{layer}")),
          "--c360-export-prefix", PREFIX, "--logical-date", "2026-11-25",
          "--run-id", "daily-2026-11-25"])

    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["rows_out"] == len(expected)
    assert _rows(lake / "analytics" / "dim_customer_preferences") == expected
    assert not any((lake / "analytics" / table).exists() for table in exported)
