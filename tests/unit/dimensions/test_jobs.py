"""The Glue/EMR job adapters run the pipeline's own steps on a Spark session.

Each runs twice: on layer folders, and on the same folders given as `file://` URIs,
which the jobs read and write through the session's Hadoop file system
(`c360.lake_files.HadoopFiles`), as they do `s3://` in AWS.
"""

from __future__ import annotations

import json
import runpy
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from lakebuild import write_stage, write_xref

from c360.lake import LAYERS

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(params=["folders", "file-uris"])
def layer_args(request, lake) -> list[str]:
    """The jobs' `--c360-<layer>-uri` arguments for the test's lake."""
    scheme = "file://" if request.param == "file-uris" else ""
    return [arg for layer in LAYERS
            for arg in (f"--c360-{layer}-uri", f"{scheme}{lake.layer_roots[layer]}")]


def adapter(path: str):
    return runpy.run_path(str(REPO / path))["main"]


@pytest.mark.spark
def test_conform_job_stages_and_quarantines_one_dataset(lake, layer_args, capsys) -> None:
    from c360.engine.spark_engine import local_spark_session

    local_spark_session()
    delivery = Path(lake.layer_roots["raw"]) / "call_center/contacts/ingest_date=2026-11-25"
    delivery.mkdir(parents=True)
    (delivery / "contacts_20261125.csv").write_text(
        "contact_id,started_at,reason_code,outcome,sentiment,duration_seconds\n"
        "CT1,2026-11-25T09:00:00Z,BALANCE,resolved,0.5,120\n"
        "CT2,2026-11-25T10:00:00Z,NOT_A_REASON,resolved,0.5,60\n")
    adapter("jobs/glue/conform.py")([*layer_args, "--dataset", "call_center_contacts",
                                     "--logical-date", "2026-11-25", "--JOB_NAME", "conform"])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {
        "rows_in": 2, "rows_staged": 1, "rows_quarantined": 1}
    staged = pq.read_table(lake.location("stg_call_center_contacts")).to_pylist()
    assert [(r["contact_id"], r["_source_file"]) for r in staged] == [
        ("CT1", "call_center/contacts/ingest_date=2026-11-25/contacts_20261125.csv")]


@pytest.mark.spark
def test_aggregate_transactions_job_writes_the_monthly_fact(lake, layer_args, capsys) -> None:
    from c360.engine.spark_engine import local_spark_session

    local_spark_session()
    write_xref(lake, [("core_banking", "7", "A")])
    write_stage(lake, "core_banking_accounts", [{"account_id": 70, "customer_number": 7}])
    write_stage(lake, "core_banking_transactions", [
        {"transaction_id": 1, "account_id": 70, "booked_at": datetime(2026, 10, 3, tzinfo=UTC),
         "amount": Decimal("-12.50"), "direction": "debit", "category": "dining"},
    ])
    adapter("jobs/emr/aggregate_transactions.py")([*layer_args,
                                                   "--logical-date", "2026-11-25"])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {"rows_out": 1}
    fact = pq.read_table(lake.location("fct_transactions_monthly")).to_pylist()
    assert [(r["customer_id"], r["total_amount"]) for r in fact] == [("A", Decimal("12.50"))]


def test_job_arguments_name_each_layer_by_its_bucket() -> None:
    from c360.dimensions.jobs import parse_step_args

    args = parse_step_args(["--c360-raw-bucket", "c360-dev-raw", "--c360-stage-bucket",
                            "c360-dev-stage", "--c360-analytics-bucket", "c360-dev-analytics",
                            "--c360-sandbox-uri", "file:///tmp/sandbox", "--model",
                            "spark/fct_digital_sessions", "--logical-date", "2026-11-25",
                            "--enable-glue-datacatalog", "true"], "run_model")
    assert args.layer_uris == {"raw": "s3://c360-dev-raw", "stage": "s3://c360-dev-stage",
                               "analytics": "s3://c360-dev-analytics",
                               "sandbox": "file:///tmp/sandbox"}


def test_a_job_without_a_layer_says_which_argument_is_missing(capsys) -> None:
    from c360.dimensions.jobs import parse_step_args

    with pytest.raises(SystemExit):
        parse_step_args(["--c360-raw-bucket", "r", "--c360-stage-bucket", "s",
                         "--c360-analytics-bucket", "a", "--model", "spark/x",
                         "--logical-date", "2026-11-25"], "run_model")
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "run_model: error: the following arguments are required: "
        "--c360-sandbox-bucket (or --c360-sandbox-uri)")


def test_an_export_prefix_moves_only_the_athena_written_inputs_to_their_exports() -> None:
    from c360.lake import Lake

    lake = Lake.from_uris({layer: f"s3://c360-dev-{layer}" for layer in LAYERS})
    reading = lake.reading_exports("_exports/exec-1/dim_customer_preferences/",
                                   ["dim_customer_loyalty"])
    assert reading.location("dim_customer_loyalty") == (
        "s3://c360-dev-analytics/_exports/exec-1/dim_customer_preferences/dim_customer_loyalty")
    assert reading.location("dim_customer_demographic") == (
        "s3://c360-dev-analytics/dim_customer_demographic")


def test_a_table_read_from_its_export_cannot_be_written(tmp_path) -> None:
    import pyarrow as pa

    from c360.engine.duckdb_engine import DuckDBEngine
    from c360.lake import Lake

    lake = Lake.local(tmp_path).reading_exports("_exports/exec-1/dim_customer_preferences",
                                                ["dim_customer_loyalty"])
    with DuckDBEngine(lake) as engine, pytest.raises(ValueError, match=(
            r"dim_customer_loyalty is read from .*/analytics/_exports/exec-1/"
            r"dim_customer_preferences/dim_customer_loyalty here \(an export\); "
            r"this step may not write it")):
        engine.write_arrow("dim_customer_loyalty", pa.table({"customer_id": ["C1"]}))
