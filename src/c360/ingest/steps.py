"""Ingest steps: each source delivery lands in RAW (`raw_<dataset>`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from c360.ingest import deliveries
from c360.ingest.landing import land_files
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import ALL, DAILY_UP, Step

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
HOURLY_SOURCES = frozenset({"crm_customers", "clickstream_events"})
DATASETS: tuple[str, ...] = tuple(d for d, *_ in INGEST)


def schedules_of(dataset: str):  # type: ignore[no-untyped-def]
    return ALL if dataset in HOURLY_SOURCES else DAILY_UP


def ingest_steps() -> list[Step]:
    return [
        Step(
            name=f"raw_{dataset}", kind=kind, inputs=(), outputs=(f"raw_{dataset}",),  # type: ignore[arg-type]
            schedules=schedules_of(dataset), run=_ingest(dataset, delivery), resource=resource,
            arguments=(("--dataset", dataset),),
            description=f"Land the {dataset} delivery in RAW",
        )
        for dataset, kind, resource, delivery in INGEST
    ]
