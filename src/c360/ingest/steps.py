"""Ingest steps: each source lands in RAW (`raw_<dataset>`) through its real ingestion path.

- `raw_crm_customers`: the CRM consumer (`c360.ingest.crm`) pages through the CRM
  API since its checkpoint — the API at `Settings.crm_api_url`, or, when unset,
  the simulated CRM API (`c360.sources.crm_api`) over the generator's customers,
  called in-process.
- `raw_core_banking_<table>`: the incremental extract (`c360.ingest.core_banking`)
  from the database at `Settings.core_banking_dsn`, or, when unset, from the
  simulated source (`c360.sources.postgres.SimulatedCoreBanking`): a throwaway
  local PostgreSQL loaded from the generator's CSV, started by the first of these
  steps in a run and shared by the others through the run's scope (each table
  loaded once), stopped once no remaining step of the run reads it, or when the
  run ends (failed or interrupted too). A step run outside a pipeline run (no run
  scope) starts its own, loads the table and the tables it references, and stops
  it when the step ends.
- mainframe, clickstream and call-center files: `c360.ingest.mainframe.ingest_drop`
  from the sources folder (the drop location), each file checked; mainframe files
  whose trailer disagrees with their detail records are quarantined whole. A big
  delivery (a day of clickstream batches) is checked by `Settings.ingest_workers`
  processes, the step's own included (`c360.ingest.landing.POOL_MIN_BYTES`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from c360.ingest.store import LocalStore
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import ALL, DAILY_UP, Schedule, Step

StepRun = Callable[[StepContext], StepResult]
CORE_BANKING_TABLES = ("customers", "accounts", "products", "transactions")
# The steps that read the simulated core-banking database: it is stopped after the last.
CORE_BANKING_STEPS = frozenset(f"raw_core_banking_{t}" for t in CORE_BANKING_TABLES)


def _sources(ctx: StepContext, dataset: str) -> Path:
    if ctx.sources_dir is None:
        raise FileNotFoundError(f"{dataset}: no sources folder configured for local ingest")
    return ctx.sources_dir


def _crm(ctx: StepContext) -> StepResult:
    from c360.ingest.crm import HttpTransport, ProxyTransport, Transport, ingest_crm

    transport: Transport
    if ctx.settings.crm_api_url:
        transport = HttpTransport(ctx.settings.crm_api_url)
        simulated = "no"
    else:
        from c360.sources.crm_api import CrmApi, CustomerStore

        folder = _sources(ctx, "crm_customers") / "crm" / "customers"
        transport = ProxyTransport(CrmApi(CustomerStore.from_pages(folder)).handle)
        simulated = f"in-process CRM API over {folder}"
    result = ingest_crm(transport, LocalStore(ctx.lake.root / "raw"), ctx.logical_date,
                        ctx.run_id, ctx.work_dir / "crm_customers")
    landed = result.landing.rows if result.landing else 0
    return StepResult(rows_in=result.records, rows_out=landed,
                      details={**result.summary(), "simulated_source": simulated})


@contextmanager
def _core_banking_dsn(ctx: StepContext, table: str) -> Iterator[tuple[str, dict[str, object]]]:
    """(dsn, how it was obtained): the configured database or the simulated one.

    The details say which source was read (`simulated_source`: "no" for a real
    database) and how long this step spent starting and loading the simulation
    (`simulated_source_seconds`).
    """
    from c360.sources.postgres import SimulatedCoreBanking, is_simulated

    configured = ctx.settings.core_banking_dsn
    if configured:
        if not is_simulated(configured):
            yield configured, {"simulated_source": "no"}
            return
        where = urlsplit(configured)
        yield configured, {"simulated_source": (
            f"simulated PostgreSQL on {where.hostname}:{where.port}, started and loaded "
            "before the run "
            "(c360.sources.postgres.simulated_core_banking) and given as the core-banking DSN"),
            "simulated_source_seconds": 0.0}
        return
    sources = _sources(ctx, f"core_banking_{table}")
    if ctx.run_scope is not None:
        source = ctx.run_scope.shared(f"core_banking_source:{sources}",
                                      lambda: SimulatedCoreBanking(sources),
                                      used_by=CORE_BANKING_STEPS)
        before = source.seconds
        dsn = source.dsn_for(table)
        yield dsn, {"simulated_source": (
            f"throwaway PostgreSQL on 127.0.0.1:{source.port}, one for the whole run "
            f"(shared by its core-banking steps), loaded from {source.folder} "
            f"({source.counts[table]} {table})"),
            "simulated_source_seconds": round(source.seconds - before, 3)}
        return
    with SimulatedCoreBanking(sources) as own:  # outside a run: this step's own database
        dsn = own.dsn_for(table)
        yield dsn, {"simulated_source": (
            f"throwaway PostgreSQL on 127.0.0.1:{own.port} loaded from {own.folder} "
            f"({own.counts[table]} {table})"),
            "simulated_source_seconds": round(own.seconds, 3)}


def _core_banking(table: str) -> StepRun:
    def run(ctx: StepContext) -> StepResult:
        from c360.ingest.core_banking import extract_table

        contract = ctx.contracts[f"core_banking_{table}"]
        with _core_banking_dsn(ctx, table) as (dsn, source):
            result = extract_table(dsn, contract, LocalStore(ctx.lake.root / "raw"),
                                   ctx.logical_date, ctx.run_id, ctx.work_dir / "core_banking",
                                   partitions=ctx.settings.threads)
        landed = result.landing.rows if result.landing else 0
        return StepResult(rows_in=result.rows, rows_out=landed,
                          details={**result.summary(), **source})

    return run


def _drop(dataset: str) -> StepRun:
    def run(ctx: StepContext) -> StepResult:
        from c360.ingest.mainframe import ingest_drop

        source = LocalStore(_sources(ctx, dataset))
        report = ingest_drop(ctx.contracts[dataset], source, LocalStore(ctx.lake.root / "raw"),
                             ctx.logical_date, ctx.run_id, ctx.work_dir,
                             workers=ctx.settings.ingest_workers)
        return StepResult(rows_in=report.rows + report.rows_quarantined, rows_out=report.rows,
                          rows_quarantined=report.rows_quarantined, details=report.summary())

    return run


INGEST: list[tuple[str, str, str, StepRun]] = [
    # (dataset, kind, AWS resource, how it is ingested)
    ("crm_customers", "lambda", "crm_ingest", _crm),
    ("core_banking_customers", "glue_spark", "extract_core_banking", _core_banking("customers")),
    ("core_banking_accounts", "glue_spark", "extract_core_banking", _core_banking("accounts")),
    ("core_banking_products", "glue_spark", "extract_core_banking", _core_banking("products")),
    ("core_banking_transactions", "glue_spark", "extract_core_banking",
     _core_banking("transactions")),
    ("mainframe_loyalty", "lambda", "mainframe_export", _drop("mainframe_loyalty")),
    ("mainframe_cards", "lambda", "mainframe_export", _drop("mainframe_cards")),
    ("clickstream_events", "lambda", "file_drop_ingest", _drop("clickstream_events")),
    ("call_center_contacts", "lambda", "file_drop_ingest", _drop("call_center_contacts")),
]
HOURLY_SOURCES = frozenset({"crm_customers", "clickstream_events"})
DATASETS: tuple[str, ...] = tuple(d for d, *_ in INGEST)


def schedules_of(dataset: str) -> frozenset[Schedule]:
    return ALL if dataset in HOURLY_SOURCES else DAILY_UP


def _arguments(dataset: str) -> tuple[tuple[str, str], ...]:
    if dataset.startswith("core_banking_"):
        return (("--dataset", dataset), ("--table", dataset.removeprefix("core_banking_")))
    return (("--dataset", dataset),)


def ingest_steps() -> list[Step]:
    return [
        Step(
            name=f"raw_{dataset}", kind=kind, input_tables=(), outputs=(f"raw_{dataset}",),  # type: ignore[arg-type]
            schedules=schedules_of(dataset), run=run, resource=resource,
            arguments=_arguments(dataset),
            description=f"Land the {dataset} delivery in RAW",
        )
        for dataset, kind, resource, run in INGEST
    ]
