"""`c360_customer_profile_history`: the profile's tracked attributes as SCD type 2.

The model (`sql/athena/c360_customer_profile_history.sql`) reads its own previous
state, like an Athena/Iceberg MERGE would. A model may not declare itself as an input
(the pipeline would see a cycle), so this step registers the previous state itself:
the table when it exists, otherwise an empty relation of the same shape, derived from
the model's `snapshot` CTE so the column list is written once, in the SQL.
"""

from __future__ import annotations

from sqlglot import exp

from c360.models import Model, bind, load_model
from c360.pipeline.context import StepContext, StepResult

TABLE = "c360_customer_profile_history"
PROFILE = "c360_customer_profile"
MERGE_KEYS = ("customer_id", "valid_from")
"""The history's grain, what its Athena step MERGEs the model's rows on.

In AWS the table is Iceberg and the step cannot DELETE it and INSERT the model's rows,
as the other Athena steps do: the model reads the previous rows the DELETE would have
removed. Its step deletes only the versions a rerun of the date replaces
(`REWOUND_FROM` >= the logical date, rows the model ignores: a crash after it loses
nothing), then MERGEs the model's rows (one Iceberg commit): a version closed, reopened
or continued is updated, a new one inserted. The result is the model's output
(`c360.orchestration.asl.athena_statements`; tested on DuckDB against this step).
"""
REWOUND_FROM = "valid_from"


def empty_history_sql(model: Model, params: dict[str, object]) -> str:
    """A Trino query returning no rows with the history's columns (for the first run)."""
    tree = bind(model.parse(), params)
    snapshot = next(c for c in tree.find_all(exp.CTE) if c.alias_or_name == "snapshot")
    query = (
        exp.select(
            "snapshot.*",
            "cast(null as date) as valid_from",
            "cast(null as date) as valid_to",
            "cast(null as boolean) as is_current",
            dialect="trino",
        )
        .from_("snapshot")
        .where("1 = 0")
        .with_("snapshot", as_=snapshot.this.copy())
    )
    return query.sql(dialect="trino")


def build_history(ctx: StepContext) -> StepResult:
    """Apply the logical date's profile snapshot to the history (rerun-safe)."""
    model = load_model("athena", TABLE)
    engine = ctx.engine
    engine.register_table(PROFILE)
    if ctx.lake.exists(TABLE):
        engine.register_table(TABLE)
    else:
        engine.register_view(TABLE, empty_history_sql(model, ctx.params), "trino")
    rows = engine.write_table(TABLE, model.render(engine.dialect, ctx.params), engine.dialect)
    current = engine.query(
        f"select count(*) from {TABLE} where is_current", engine.dialect
    ).column(0)[0].as_py()
    opened = engine.query(
        f"select count(*) from {TABLE} where valid_from = cast('{ctx.logical_date}' as date)",
        engine.dialect,
    ).column(0)[0].as_py()
    return StepResult(rows_out=rows, details={"current_versions": int(current),
                                              "versions_opened": int(opened)})
