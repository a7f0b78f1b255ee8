"""`AS MATERIALIZED` CTEs: computed once as views on engines that would inline them (Spark)."""

from __future__ import annotations

import pyarrow as pa
from lakepaths import folder

from c360.dimensions.incremental import CHANGES_TABLE, merge_changed_customers
from c360.engine.base import Engine, hoist_materialized_ctes
from c360.lake import STAGING
from c360.models import Model

QUERY = """
with events as (
    select device_id, event_time from stg_clickstream_events where device_id is not null
),
keyed as materialized (
    select device_id, count(*) as n from events group by device_id
),
busy as (
    select device_id from keyed where n > 1
)
select k.device_id, k.n, keyed.n as again
from keyed as k
join keyed on keyed.device_id = k.device_id
where k.device_id in (select device_id from busy)
"""


def test_a_query_without_materialized_ctes_comes_back_unchanged() -> None:
    sql = "with a as (select 1 as x) select * from a"
    assert hoist_materialized_ctes(sql, "spark", "t") == ([], sql)


def test_a_materialized_cte_becomes_a_view_computed_with_the_ctes_before_it() -> None:
    hoisted, _ = hoist_materialized_ctes(QUERY, "spark", "fct_digital_sessions")
    assert hoisted == [(
        "fct_digital_sessions__keyed",
        "WITH events AS (SELECT device_id, event_time FROM stg_clickstream_events "
        "WHERE NOT device_id IS NULL) "
        "SELECT device_id, COUNT(*) AS n FROM events GROUP BY device_id",
    )]


def test_every_reference_to_a_hoisted_cte_reads_its_view_under_the_same_name() -> None:
    _, rest = hoist_materialized_ctes(QUERY, "spark", "fct_digital_sessions")
    assert rest == (
        "WITH events AS (SELECT device_id, event_time FROM stg_clickstream_events "
        "WHERE NOT device_id IS NULL), "
        "busy AS (SELECT device_id FROM fct_digital_sessions__keyed AS keyed WHERE n > 1) "
        "SELECT k.device_id, k.n, keyed.n AS again "
        "FROM fct_digital_sessions__keyed AS k "
        "JOIN fct_digital_sessions__keyed AS keyed ON keyed.device_id = k.device_id "
        "WHERE k.device_id IN (SELECT device_id FROM busy)"
    )


def test_an_engine_that_materializes_by_itself_gets_the_query_without_the_hint() -> None:
    sql = "with a as materialized (select 1 as x) select * from a join a as b on a.x = b.x"
    assert hoist_materialized_ctes(sql, "duckdb", "t", hoist=False) == (
        [], "WITH a AS (SELECT 1 AS x) SELECT * FROM a JOIN a AS b ON a.x = b.x")


# A model reading its costly CTE twice, as fct_digital_sessions does.
DEVICE_MODEL = """
with per_device as materialized (
    select device_id, customer_id, count(*) as events
    from stg_clickstream_events
    group by device_id, customer_id
),
busiest as (
    select customer_id, max(events) as top_events from per_device group by customer_id
)
select p.customer_id, count(*) as devices, max(b.top_events) as top_events
from per_device as p
join busiest as b on b.customer_id = p.customer_id
group by p.customer_id
"""


def _events(engine: Engine, rows: list[tuple[str, str]]) -> None:
    engine.write_arrow("stg_clickstream_events", pa.table({
        "device_id": [d for d, _ in rows], "customer_id": [c for _, c in rows]}))


def _devices(engine: Engine) -> list[tuple[str, int, int]]:
    rows = engine.query("select customer_id, devices, top_events from fct_device_summary "
                        "order by customer_id").to_pylist()
    return [(r["customer_id"], r["devices"], r["top_events"]) for r in rows]


def _leftovers(engine: Engine) -> list[str]:
    staging = folder(engine.lake.layer_roots["stage"]) / STAGING
    return sorted(p.name for p in staging.iterdir()) if staging.exists() else []


def test_a_model_with_a_materialized_cte_gives_the_same_rows_on_both_engines(engine) -> None:
    _events(engine, [("d1", "A"), ("d1", "A"), ("d2", "A"), ("d3", "B")])
    model = Model("fct_device_summary", DEVICE_MODEL, "spark")
    assert engine.run_model(model) == 2
    assert _devices(engine) == [("A", 2, 2), ("B", 1, 1)]
    assert _leftovers(engine) == []


def test_an_hourly_merge_of_a_model_with_a_materialized_cte_keeps_untouched_customers(
        engine) -> None:
    _events(engine, [("d1", "A"), ("d3", "B")])
    model = Model("fct_device_summary", DEVICE_MODEL, "spark")
    engine.run_model(model)
    _events(engine, [("d1", "A"), ("d2", "A"), ("d3", "B"), ("d4", "B")])
    engine.write_arrow(CHANGES_TABLE, pa.table({"customer_id": ["A"]}))
    assert merge_changed_customers(engine, model, {}) == 2
    # A is recomputed (two devices now); B keeps its previous row until it is touched.
    assert _devices(engine) == [("A", 2, 1), ("B", 1, 1)]
    assert _leftovers(engine) == []
