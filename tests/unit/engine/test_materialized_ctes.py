"""`AS MATERIALIZED` CTEs: computed once as views on engines that would inline them (Spark)."""

from __future__ import annotations

from c360.engine.base import hoist_materialized_ctes

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
    assert hoist_materialized_ctes(sql, "duckdb", "t", keep=False) == (
        [], "WITH a AS (SELECT 1 AS x) SELECT * FROM a JOIN a AS b ON a.x = b.x")
