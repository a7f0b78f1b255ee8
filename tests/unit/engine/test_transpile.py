"""Spark SQL into another engine's dialect: what a dialect cannot say is left out, not warned."""

from __future__ import annotations

import logging

import pytest

from c360.engine.base import transpiled

HINTED = ("select /*+ BROADCAST(a) */ e.k, a.flag from stg_e as e "
          "left join int_a as a on a.k = e.k")


def test_duckdb_gets_the_query_without_spark_join_hints(caplog: pytest.LogCaptureFixture
                                                        ) -> None:
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        sql = transpiled(HINTED, "spark", "duckdb")
    assert sql == "SELECT e.k, a.flag FROM stg_e AS e LEFT JOIN int_a AS a ON a.k = e.k"
    assert caplog.records == []


def test_spark_keeps_its_join_hints() -> None:
    assert transpiled(HINTED, "spark", "spark") == (
        "SELECT /*+ BROADCAST(a) */ e.k, a.flag FROM stg_e AS e LEFT JOIN int_a AS a ON a.k = e.k")


def test_only_the_first_statement_is_transpiled() -> None:
    assert transpiled("select 1 as a; select 2 as b", "spark", "duckdb") == "SELECT 1 AS a"
