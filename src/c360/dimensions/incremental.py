"""Hourly runs: recompute only the customers a run brought new data for, merge the rest.

`int_customer_changes` lists the customers touched by this run's deliveries (CRM
changes, clickstream events). A step that supports it runs its model as usual but
keeps, from its previous output, every row of the customers not in that list, and
takes the freshly computed rows of those in it. The result equals a full recompute
with the same inputs (tested), at the cost of the touched customers only in the
engines that push the filter down, and a rerun of the same run gives the same output.

`fct_digital_sessions` is merged per session instead (`merge_touched_sessions`): a
session's row depends on all its events, which may come from devices of several
customers, so its model runs on the events of the touched sessions only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from c360.conform.run import delivery_folder_ends
from c360.engine import Engine
from c360.models import Model, load_model
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import schedule_of

CHANGES_TABLE = "int_customer_changes"
SESSIONS_TABLE = "fct_digital_sessions"
EVENTS_TABLE = "stg_clickstream_events"
EVENTS_DATASET = EVENTS_TABLE.removeprefix("stg_")


def landed_by(deliveries: str, column: str = "_source_file") -> str:
    """Spark SQL: `column` (a staged row's raw file, relative to the RAW root) is a file
    this run landed, whose first delivery folder is `deliveries` (the run's
    `deliveries_<dataset>` parameter; a later delivery is `<deliveries>.<n>/`).

    A prefix test, which Parquet readers answer from row-group statistics."""
    quoted = [end.replace("'", "''") for end in delivery_folder_ends(deliveries)]
    return "(" + " or ".join(f"startswith({column}, '{end}')" for end in quoted) + ")"


def merge_changed_customers(
    engine: Engine,
    model: Model,
    params: Mapping[str, object],
    partition: Mapping[str, str] | None = None,
    key: str = "customer_id",
) -> int:
    """Rewrite `model.table`: previous rows of untouched customers + fresh rows of touched ones.

    For a partitioned table the previous rows come from the newest partition up to the
    one being written (a snapshot carried forward), with the partition column set to
    the new value. Returns the number of rows written.
    """
    table = model.table
    engine.register_inputs(model)
    engine.register_table(CHANGES_TABLE)
    engine.register_table(table)
    fresh = f"fresh_{table}"
    # The model's materialized CTEs (if any) are views while `fresh` is read.
    with engine.materialized_ctes(fresh, model.render(engine.dialect, params)) as fresh_sql:
        engine.register_view(fresh, fresh_sql, engine.dialect)
        return _write_merged(engine, table, fresh, partition, key)


def _write_merged(engine: Engine, table: str, fresh: str,
                  partition: Mapping[str, str] | None, key: str) -> int:
    """Write `table`: its previous rows of untouched customers + `fresh` rows of touched ones."""
    columns = engine.query(f"select * from {fresh} limit 0", engine.dialect).column_names
    changed = f"(select {key} from {CHANGES_TABLE})"
    previous_cols = list(columns)
    previous_filter = f"{key} not in {changed}"
    for column, value in (partition or {}).items():
        literal = f"cast('{value}' as date)"
        previous_cols = [f"{literal} as {column}" if c == column else c for c in previous_cols]
        previous_filter += (
            f" and {column} = (select max({column}) from {table} where {column} <= {literal})"
        )
    sql = (
        f"select {', '.join(previous_cols)} from {table} where {previous_filter} "
        f"union all select {', '.join(columns)} from {fresh} where {key} in {changed}"
    )
    return engine.write_table(table, sql, engine.dialect, partition)


def hourly_merge_model_step_run(
    kind: str, table: str, partition_by: tuple[str, ...] = ()
) -> Callable[[StepContext], StepResult]:
    """A model step's `run`: full recompute, or on hourly runs a merge of touched customers.

    The merge needs this run's `int_customer_changes` and a previous output; without
    either (the first run ever) the model is computed in full.
    """

    def run(ctx: StepContext) -> StepResult:
        model = load_model(kind, table, partition_by)
        partition = {column: ctx.logical_date.isoformat() for column in partition_by}
        hourly = schedule_of(ctx.run_id) == "hourly"
        if hourly and _has_previous(ctx, table, partition):
            rows = merge_changed_customers(ctx.engine, model, ctx.params, partition or None)
            touched = ctx.engine.count(CHANGES_TABLE)
            return StepResult(rows_out=rows, details={"mode": "incremental",
                                                      "customers_recomputed": touched})
        rows = ctx.engine.run_model(model, ctx.params, partition or None)
        return StepResult(rows_out=rows, details={"mode": "full"})

    return run


def merge_touched_sessions(engine: Engine, model: Model, params: Mapping[str, object]
                           ) -> tuple[int, int, int, int]:
    """Rewrite `fct_digital_sessions`, recomputing only the sessions this run's events touch.

    A session's row depends on its own events only (and on the device links, which
    hourly runs do not change). Touched are the collector sessions (`session_id`) of
    the events this run landed (`params["deliveries_clickstream_events"]`) and the gap
    sessions (`<device>#<n>`: events without a collector session, split per device by
    inactivity) of every device that sent such an event without one: a late event
    renumbers its device's gap sessions, or merges two of them. The model runs on every
    event of the touched collector sessions and every session-less event of those
    devices, which holds all events of each session it produces; its rows replace the
    previous rows of those sessions and those devices' gap sessions. Every other
    previous row is kept: the result equals a full recompute (tested). Returns (rows
    written, collector sessions touched, devices whose gap sessions were recomputed,
    events read); a run that landed no event writes nothing and returns the table's
    rows.
    """
    engine.register_inputs(model)
    engine.register_table(SESSIONS_TABLE)
    landed, sessions, devices = "landed_events", "touched_sessions", "touched_gap_devices"
    scope, fresh = "touched_session_events", f"fresh_{SESSIONS_TABLE}"
    try:
        if not engine.materialize(landed, (
                f"select session_id, device_id from {EVENTS_TABLE} where "
                f"{landed_by(str(params[f'deliveries_{EVENTS_DATASET}']))}"), "spark"):
            return engine.count(SESSIONS_TABLE), 0, 0, 0  # no event this run: no change
        touched = engine.materialize(sessions, (
            f"select distinct session_id from {landed} where session_id is not null"), "spark")
        gap_devices = engine.materialize(devices, (
            f"select distinct device_id from {landed} "
            "where session_id is null and device_id is not null"), "spark")
        events = engine.materialize(scope, (
            f"select e.* from {EVENTS_TABLE} e "
            f"left join {sessions} s on e.session_id = s.session_id "
            f"left join {devices} d on e.session_id is null and e.device_id = d.device_id "
            "where s.session_id is not null or d.device_id is not null"), "spark")
        # The model reads the touched events under the events table's own name.
        engine.register_view(EVENTS_TABLE, f"select * from {scope}", "spark")
        with engine.materialized_ctes(fresh, model.render(engine.dialect, params)) as fresh_sql:
            engine.register_view(fresh, fresh_sql, engine.dialect)
            names = engine.query(f"select * from {fresh} limit 0", engine.dialect).column_names
            columns = ", ".join(names)
            # A gap session's key is `<device>#<n>` (the model's own); a collector
            # session of such a device keeps its row unless it is touched itself.
            rows = engine.write_table(SESSIONS_TABLE, (
                f"select {', '.join(f'p.{c}' for c in names)} from {SESSIONS_TABLE} p "
                f"left anti join {sessions} s on p.session_key = s.session_id "
                f"left anti join {devices} d on p.device_id = d.device_id "
                "and startswith(p.session_key, concat(d.device_id, '#')) "
                f"union all select {columns} from {fresh}"), "spark")
    finally:
        engine.register_table(EVENTS_TABLE)  # its own name reads the whole table again
        for name in (scope, devices, sessions, landed):
            engine.release(name)
    return rows, touched, gap_devices, events


def hourly_session_merge_run(ctx: StepContext) -> StepResult:
    """`fct_digital_sessions`'s `run`: full recompute, hourly a merge of touched sessions."""
    model = load_model("spark", SESSIONS_TABLE)
    if schedule_of(ctx.run_id) == "hourly" and ctx.lake.exists(SESSIONS_TABLE):
        rows, touched, gap_devices, events = merge_touched_sessions(ctx.engine, model,
                                                                    ctx.params)
        return StepResult(rows_out=rows, details={
            "mode": "incremental", "sessions_touched": touched,
            "gap_devices_touched": gap_devices, "events_read": events})
    rows = ctx.engine.run_model(model, ctx.params)
    return StepResult(rows_out=rows, details={"mode": "full"})


def _has_previous(ctx: StepContext, table: str, partition: Mapping[str, str]) -> bool:
    """Whether this run's changes and an earlier output (up to this partition) exist."""
    if not (ctx.lake.exists(CHANGES_TABLE) and ctx.lake.exists(table)):
        return False
    if not partition:
        return True
    ctx.engine.register_table(table)
    conditions = " and ".join(f"{c} <= cast('{v}' as date)" for c, v in partition.items())
    found = ctx.engine.query(f"select count(*) from {table} where {conditions}", ctx.engine.dialect)
    return int(found.column(0)[0].as_py()) > 0
