"""SQL models: lineage parsed from SQL, parameters bound, Hive scripts for EMR."""

from __future__ import annotations

import logging

import pytest

from c360.models import Model, ModelError, hive_script


def test_model_inputs_are_the_tables_it_reads_without_its_ctes() -> None:
    model = Model("dim_x", "with a as (select * from stg_b) select * from a join int_c using (k)",
                  "spark")
    assert model.inputs == ("int_c", "stg_b")



def test_model_inputs_leave_out_the_alias_a_join_hint_names() -> None:
    model = Model("fct_x", "select /*+ BROADCAST(a) */ e.k from stg_e as e "
                  "left join int_a as a on a.k = e.k", "spark")
    assert model.inputs == ("int_a", "stg_e")

def test_render_binds_the_logical_date_as_a_literal() -> None:
    model = Model("dim_x", "select cast(:logical_date as date) as d from stg_b", "trino")
    assert model.render("duckdb", {"logical_date": "2026-11-25"}) == (
        "SELECT CAST('2026-11-25' AS DATE) AS d FROM stg_b"
    )


def test_render_refuses_a_missing_parameter() -> None:
    model = Model("dim_x", "select :run_id as r from stg_b", "spark")
    with pytest.raises(ModelError, match="needs parameter"):
        model.render("duckdb", {})


def test_hive_script_qualifies_tables_by_layer_and_inserts_overwrite() -> None:
    model = Model("dim_customer_x",
                  "select customer_id, cast(:logical_date as date) as d from int_customer_golden",
                  "hive")
    script = hive_script(model).splitlines()
    assert script[1:] == [
        "INSERT OVERWRITE TABLE ${hivevar:analytics_db}.dim_customer_x",
        "SELECT",
        "  customer_id,",
        "  CAST('${hivevar:logical_date}' AS DATE) AS d",
        "FROM ${hivevar:stage_db}.int_customer_golden;",
    ]


def test_render_for_duckdb_leaves_out_spark_join_hints_without_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    model = Model("fct_x", "select /*+ BROADCAST(a) */ e.k from stg_e as e "
                  "left join int_a as a on a.k = e.k", "spark")
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        assert model.render("duckdb") == (
            "SELECT e.k FROM stg_e AS e LEFT JOIN int_a AS a ON a.k = e.k")
        assert model.render("spark") == (
            "SELECT /*+ BROADCAST(a) */ e.k FROM stg_e AS e LEFT JOIN int_a AS a ON a.k = e.k")
    assert caplog.records == []
