"""The c360 pipeline, declared once. Each step is named after the table it produces.

The local implementations below are the same package functions the AWS job
adapters call (`jobs/glue/*.py`, `jobs/emr/*.py`, `lambdas/*/handler.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from c360.conform.run import conform_dataset, raw_files
from c360.identity.exact import link_exact
from c360.ingest import deliveries
from c360.ingest.landing import land_files
from c360.models import load_model
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import ALL, DAILY_UP, Step

PERSON_SOURCES = (
    "stg_crm_customers",
    "stg_core_banking_customers",
    "stg_mainframe_loyalty",
    "stg_mainframe_cards",
    "stg_call_center_contacts",
    "stg_clickstream_events",
)


# -- ingest ---------------------------------------------------------------------------
Delivery = Callable[[Path, Path], list[tuple[Path, str]]]


def _ingest(dataset: str, delivery: Delivery) -> Callable[[StepContext], StepResult]:
    def run(ctx: StepContext) -> StepResult:
        if ctx.sources_dir is None:
            raise FileNotFoundError(f"{dataset}: no sources folder configured for local ingest")
        contract = ctx.contracts[dataset]
        files = delivery(ctx.sources_dir, ctx.work_dir / dataset)
        report = land_files(dataset, files, ctx.lake.root / "raw", contract.raw.path,
                            ctx.logical_date, ctx.run_id)
        return StepResult(
            rows_in=report.rows,
            rows_out=report.rows,
            details={"files_landed": len(report.landed), "files_skipped": report.skipped},
        )

    return run


def _core_banking(table: str) -> Delivery:
    return lambda src, work: deliveries.core_banking_table_to_parquet(src, table, work)


def _drop(folder: str, pattern: str) -> Delivery:
    return lambda src, work: deliveries.files_matching(src, folder, pattern)


INGEST: list[tuple[str, str, str, Delivery]] = [
    # (dataset, kind, AWS resource, how the delivery arrives)
    ("crm_customers", "lambda", "crm_ingest", deliveries.crm_pages_to_jsonl),
    ("core_banking_customers", "glue_spark", "extract_core_banking", _core_banking("customers")),
    ("core_banking_accounts", "glue_spark", "extract_core_banking", _core_banking("accounts")),
    ("core_banking_products", "glue_spark", "extract_core_banking", _core_banking("products")),
    ("core_banking_transactions", "glue_spark", "extract_core_banking",
     _core_banking("transactions")),
    ("mainframe_loyalty", "lambda", "mainframe_export", _drop("mainframe", "loyalty_*.dat")),
    ("mainframe_cards", "lambda", "mainframe_export", _drop("mainframe", "cards_*.csv")),
    ("clickstream_events", "lambda", "file_drop_ingest", _drop("clickstream", "*.jsonl.gz")),
    ("call_center_contacts", "lambda", "file_drop_ingest", _drop("call_center", "contacts_*.csv")),
]
HOURLY_SOURCES = {"crm_customers", "clickstream_events"}


# -- conform --------------------------------------------------------------------------
def _conform(dataset: str) -> Callable[[StepContext], StepResult]:
    def run(ctx: StepContext) -> StepResult:
        contract = ctx.contracts[dataset]
        files = raw_files(contract, ctx.lake.root / "raw")
        result = conform_dataset(ctx.engine, contract, files)
        if not result.reconciles:
            raise RuntimeError(
                f"{contract.stage_table}: counts do not reconcile: in {result.rows_in} != "
                f"staged {result.rows_staged} + quarantined {result.rows_quarantined}"
            )
        return StepResult(result.rows_in, result.rows_staged, result.rows_quarantined,
                          {"raw_files": len(files)})

    return run


# -- models ---------------------------------------------------------------------------
def _model(kind: str, table: str, partition_by: tuple[str, ...] = ()) -> Callable[[StepContext], StepResult]:
    def run(ctx: StepContext) -> StepResult:
        model = load_model(kind, table, partition_by)
        # The only partitioned models are snapshots, partitioned by the logical date.
        partition = {key: ctx.logical_date.isoformat() for key in partition_by}
        rows = ctx.engine.run_model(model, ctx.params, partition or None)
        return StepResult(rows_out=rows)

    return run


def _identity(ctx: StepContext) -> StepResult:
    ctx.engine.register_table("int_person_records")
    records = ctx.engine.query(
        "select * from int_person_records order by source_system, source_key", "spark"
    )
    xref = link_exact(records)
    rows = ctx.engine.write_arrow("int_customer_xref", xref)
    customers = len(set(xref.column("customer_id").to_pylist()))
    return StepResult(rows_in=records.num_rows, rows_out=rows, details={"customers": customers})


def _inputs(kind: str, table: str) -> tuple[str, ...]:
    return load_model(kind, table).inputs


def build_steps() -> list[Step]:
    """The whole pipeline, in declaration order."""
    steps: list[Step] = []
    for dataset, kind, resource, delivery in INGEST:
        schedules = ALL if dataset in HOURLY_SOURCES else DAILY_UP
        steps.append(Step(
            name=f"raw_{dataset}", kind=kind, inputs=(), outputs=(f"raw_{dataset}",),  # type: ignore[arg-type]
            schedules=schedules, run=_ingest(dataset, delivery), resource=resource,
            arguments=(("--dataset", dataset),),
            description=f"Land the {dataset} delivery in RAW",
        ))
    for dataset, _kind, _resource, _delivery in INGEST:
        schedules = ALL if dataset in HOURLY_SOURCES else DAILY_UP
        steps.append(Step(
            name=f"stg_{dataset}", kind="glue_spark", inputs=(f"raw_{dataset}",),
            outputs=(f"stg_{dataset}", f"quarantine_{dataset}"), schedules=schedules,
            run=_conform(dataset), resource="conform", arguments=(("--dataset", dataset),),
            description=f"Conform {dataset}: typed, deduplicated, bad rows quarantined",
        ))
    steps.append(Step(
        name="int_person_records", kind="emr_spark",
        inputs=_inputs("spark", "int_person_records"), outputs=("int_person_records",),
        schedules=DAILY_UP, run=_model("spark", "int_person_records"), resource="run_model",
        arguments=(("--model", "spark/int_person_records"),),
        description="Every person-describing record in one shape",
    ))
    steps.append(Step(
        name="int_customer_xref", kind="emr_spark", inputs=("int_person_records",),
        outputs=("int_customer_xref",), schedules=DAILY_UP, run=_identity,
        resource="identity_link", description="Resolve records to customer ids",
    ))
    for kind, table, step_kind, resource in [
        ("spark", "int_customer_golden", "emr_spark", "run_model"),
        ("spark", "fct_transactions_monthly", "emr_spark", "run_model"),
        ("hive", "dim_customer_demographic", "emr_hive", "dim_customer_demographic"),
        ("athena", "dim_customer_products", "athena", "dim_customer_products"),
        ("athena", "dim_customer_transactions", "athena", "dim_customer_transactions"),
    ]:
        steps.append(Step(
            name=table, kind=step_kind, inputs=_inputs(kind, table), outputs=(table,),  # type: ignore[arg-type]
            schedules=DAILY_UP, run=_model(kind, table), resource=resource,
            arguments=(("--model", f"{kind}/{table}"),),
        ))
    steps.append(Step(
        name="c360_customer_profile", kind="athena",
        inputs=_inputs("athena", "c360_customer_profile"), outputs=("c360_customer_profile",),
        schedules=DAILY_UP, run=_model("athena", "c360_customer_profile", ("snapshot_date",)),
        resource="c360_customer_profile", arguments=(("--model", "athena/c360_customer_profile"),),
        description="The customer 360: one row per customer, snapshot partition",
    ))
    return steps
