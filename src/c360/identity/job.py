"""The EMR Spark step `identity_link`: the pipeline's identity code on Splink's Spark backend.

`jobs/emr/identity_link.py` calls `run`. Stages (one per pipeline step):
- `link`: int_person_records → int_customer_xref (+ history, events, links, and the
  Splink model when this run trains one: weekly runs, or no usable stored model);
- `golden`: int_customer_golden.

Arguments: `--stage`; where STAGE lives, one of `--c360-stage-bucket` (what the
state machines pass every EMR Spark step, with the other layers' buckets, which this
job ignores), `--c360-stage-database` (the Glue database; its LocationUri is the stage
bucket), or `--c360-stage-uri` (any Parquet root, e.g. file:// in the local test);
`--logical-date`, `--run-id` (default
`daily-<date>`), `--settings` (a settings YAML path; default the packaged
config/identity.yaml), `--scratch-uri` (where Spark materializes scratch tables;
default `<stage>/int_identity_scratch/<run_id>`, inside the `int_*` prefix the
EMR role may write; removed at the end).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date
from typing import Any

from c360.identity.golden import build_golden
from c360.identity.resolve import resolve_identity
from c360.identity.settings import load_identity_settings
from c360.lake import LAYERS, Lake
from c360.pipeline.definition import schedule_of


@dataclass(frozen=True)
class JobArgs:
    stage: str
    stage_uri: str
    logical_date: date
    run_id: str
    settings: str | None
    scratch_uri: str


def parse_args(argv: list[str], glue: Any = None) -> JobArgs:
    """The step's arguments; `glue` (a boto3 Glue client) resolves --c360-stage-database."""
    parser = argparse.ArgumentParser(prog="identity_link", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=("link", "golden"), required=True)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--c360-stage-database")
    where.add_argument("--c360-stage-bucket")
    where.add_argument("--c360-stage-uri")
    parser.add_argument("--logical-date", required=True, type=date.fromisoformat)
    parser.add_argument("--run-id")
    parser.add_argument("--settings")
    parser.add_argument("--scratch-uri")
    args, _unknown = parser.parse_known_args(argv)  # EMR may pass its own arguments too
    if args.c360_stage_database:
        stage_uri = database_location(args.c360_stage_database, glue)
    else:
        stage_uri = args.c360_stage_uri or f"s3://{args.c360_stage_bucket}"
    stage_uri = stage_uri.rstrip("/")
    run_id = args.run_id or f"daily-{args.logical_date.isoformat()}"
    return JobArgs(
        stage=args.stage, stage_uri=stage_uri, logical_date=args.logical_date, run_id=run_id,
        settings=args.settings,
        scratch_uri=args.scratch_uri or f"{stage_uri}/int_identity_scratch/{run_id}",
    )


def database_location(database: str, glue: Any = None) -> str:
    """The S3 location of a Glue database (the catalog module sets it to the layer bucket)."""
    if glue is None:
        import boto3

        glue = boto3.client("glue")
    location = glue.get_database(Name=database)["Database"].get("LocationUri")
    if not location:
        raise ValueError(f"Glue database {database} has no LocationUri")
    return str(location)


def spark_session() -> Any:
    """The step's SparkSession with Splink's similarity UDF jar on its classpath."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    return SparkSession.builder.appName("c360-identity_link").config(
        "spark.jars", similarity_jar_location()).getOrCreate()


def run(argv: list[str], spark: Any = None) -> dict[str, Any]:
    """Run one stage; return what the local runner would put in the manifest."""
    from c360.engine.spark_engine import SparkEngine

    args = parse_args(argv)
    # Identity reads and writes STAGE only; the other layers are never touched.
    session = spark or spark_session()
    lake = Lake.for_spark_job({layer: f"{args.stage_uri}/_not_{layer}" for layer in LAYERS}
                              | {"stage": args.stage_uri}, session)
    engine = SparkEngine(lake, session=session)
    settings = load_identity_settings(args.settings)
    params = {"logical_date": args.logical_date, "run_id": args.run_id}
    try:
        if args.stage == "link":
            result = resolve_identity(engine, settings, args.run_id, args.logical_date,
                                      scratch_uri=args.scratch_uri,
                                      retrain=schedule_of(args.run_id) == "weekly")
            return {"rows_in": result.rows_in, "rows_out": result.rows_out, **result.details}
        return {"rows_out": build_golden(engine, settings, params)}
    finally:
        engine.close()
