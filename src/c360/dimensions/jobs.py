"""Run one pipeline step inside a Glue or EMR Spark job: what the thin adapters call.

`jobs/glue/conform.py`, `jobs/emr/run_model.py`, `jobs/emr/aggregate_transactions.py`
and `jobs/emr/customer_preferences.py` parse nothing themselves: they pass their
arguments here with the step they run. The step is the same object the local runner
runs (`build_steps()`), on `SparkEngine(lake, session=spark)` over the layer URIs.

Arguments: for each layer `--c360-<layer>-bucket` (AWS: the state machines pass the
EMR steps the four buckets, the conform Glue job has them as default arguments) or
`--c360-<layer>-uri` (a folder or a URI: the tests), `--logical-date`, optional
`--run-id` (default `daily-<logical date>`; its schedule prefix selects hourly merges),
optional `--c360-export-prefix` (the Athena-written inputs are read from the state
machine's export of them, c360.orchestration.asl, *Exports*) and `--model
<kind>/<table>` or `--dataset <name>` naming the step. Unknown arguments (Glue's and
EMR's own) are ignored.

Layer URIs (`s3://` in AWS, `file://` in the local test of this path) are read and
written through the session's Hadoop file system (`c360.lake_files.HadoopFiles`);
plain folders, as the local runner's, through Python (`LocalFiles`).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from c360.config import Settings
from c360.contracts import load_contracts
from c360.lake import LAYERS, Lake
from c360.models import athena_written
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.steps import build_steps


def job_spark_session(app_name: str) -> Any:
    """Glue's session when `awsglue` is importable (in Glue), else the builder's (EMR, local)."""
    try:
        from awsglue.context import GlueContext
        from pyspark.context import SparkContext

        return GlueContext(SparkContext.getOrCreate()).spark_session
    except ImportError:
        from pyspark.sql import SparkSession

        return SparkSession.builder.appName(app_name).getOrCreate()


def parse_step_args(argv: list[str], prog: str) -> argparse.Namespace:
    """The job's arguments; `layer_uris` holds each layer's root (`s3://<bucket>` for a
    bucket)."""
    parser = argparse.ArgumentParser(prog=prog)
    for layer in LAYERS:
        where = parser.add_mutually_exclusive_group()
        where.add_argument(f"--c360-{layer}-bucket")
        where.add_argument(f"--c360-{layer}-uri")
    parser.add_argument("--logical-date", required=True, type=date.fromisoformat)
    parser.add_argument("--run-id")
    parser.add_argument("--c360-export-prefix",
                        help="key prefix in ANALYTICS of the Athena exports this step reads")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", help="<kind>/<table>, e.g. spark/fct_digital_sessions")
    which.add_argument("--dataset", help="a data contract's dataset, for the conform job")
    args, _platform_args = parser.parse_known_args(argv)
    missing = [f"--c360-{layer}-bucket (or --c360-{layer}-uri)" for layer in LAYERS
               if not (getattr(args, f"c360_{layer}_bucket") or getattr(args, f"c360_{layer}_uri"))]
    if missing:
        parser.error(f"the following arguments are required: {', '.join(missing)}")
    args.layer_uris = {layer: getattr(args, f"c360_{layer}_uri")
                       or f"s3://{getattr(args, f'c360_{layer}_bucket')}" for layer in LAYERS}
    return args


def step_name(args: argparse.Namespace) -> str:
    """The pipeline step the arguments name: the model's table or `stg_<dataset>`."""
    if args.dataset:
        return f"stg_{args.dataset}"
    kind, _, table = str(args.model).partition("/")
    if not table:
        raise ValueError(f"--model must be <kind>/<table>, got {args.model!r}")
    return table


def run_step_job(argv: list[str], prog: str, spark: Any = None) -> StepResult:
    """Run the named step once on Spark over the given layers; return its result."""
    from c360.engine.spark_engine import SparkEngine

    args = parse_step_args(argv, prog)
    name = step_name(args)
    steps = {s.name: s for s in build_steps()}
    if name not in steps:
        raise ValueError(f"{prog}: no pipeline step produces {name}")
    session = spark or job_spark_session(f"c360-{prog}")
    lake = Lake.for_spark_job(args.layer_uris, session)
    if args.c360_export_prefix:
        lake = lake.reading_exports(args.c360_export_prefix, athena_written(steps[name].inputs))
    engine = SparkEngine(lake, session=session)
    run_id = args.run_id or f"daily-{args.logical_date.isoformat()}"
    settings = Settings(lake_root=Path(lake.layer_roots["raw"]).parent, engine="spark")
    ctx = StepContext(settings, lake, engine, load_contracts(), run_id, args.logical_date,
                      None, Path(lake.layer_roots["stage"]) / ".work" / run_id)
    try:
        return steps[name].run(ctx)
    finally:
        engine.close()
