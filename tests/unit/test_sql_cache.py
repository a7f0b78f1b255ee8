"""The compiled-SQL cache: results kept between runs by content, never stale, never in the way."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from c360 import sql_cache
from c360.config import Settings
from c360.conform.model import _conform_sql, conform_sql
from c360.contracts import load_contracts
from c360.engine.base import _hoisted, hoist_materialized_ctes
from c360.models import MODEL_DIALECTS, Model, bind, load_model
from c360.pipeline.context import model_params
from c360.resources import resource_dir, sql_dir


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory, and a process that has computed nothing yet."""
    directory = tmp_path / "sql-cache"
    monkeypatch.setattr(sql_cache, "_directory", directory)
    _new_process(monkeypatch)
    return directory


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a next run starts with: the directory, nothing in memory."""
    monkeypatch.setattr(sql_cache, "_memory", {})
    monkeypatch.setattr(sql_cache, "_pruned", False)
    monkeypatch.setattr(sql_cache, "_marked", False)


def _aged(folder: Path, days: float) -> Path:
    folder.mkdir(parents=True)
    (folder / "ab").mkdir()
    (folder / "ab" / "ab12.json").write_text('"SELECT 1"')
    stamp = time.time() - days * 86_400
    os.utime(folder, (stamp, stamp))
    return folder


def test_a_result_computed_once_is_read_back_by_the_next_process(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def compute() -> str:
        calls.append("computed")
        return "SELECT 1 AS x"

    assert sql_cache.compiled("transpile", ("spark", "duckdb", "select 1 x"), compute) == (
        "SELECT 1 AS x")
    _new_process(monkeypatch)
    assert sql_cache.compiled("transpile", ("spark", "duckdb", "select 1 x"), compute) == (
        "SELECT 1 AS x")
    assert calls == ["computed"]
    assert len(list(cache.rglob("*.json"))) == 1


def test_other_inputs_or_other_code_are_computed_again(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, ...]] = []

    def keep(*inputs: str) -> str:
        return sql_cache.compiled("transpile", inputs, lambda: calls.append(inputs) or "x")

    keep("spark", "duckdb", "select 1")
    keep("spark", "duckdb", "select 2")
    keep("trino", "duckdb", "select 1")
    _new_process(monkeypatch)
    monkeypatch.setattr(sql_cache, "_fingerprint", "another c360 or sqlglot")
    keep("spark", "duckdb", "select 1")
    assert calls == [("spark", "duckdb", "select 1"), ("spark", "duckdb", "select 2"),
                     ("trino", "duckdb", "select 1"), ("spark", "duckdb", "select 1")]


def test_a_directory_that_cannot_be_written_only_costs_the_compute(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory would be")
    monkeypatch.setattr(sql_cache, "_memory", {})
    monkeypatch.setattr(sql_cache, "_directory", blocker / "sql")
    assert sql_cache.compiled("transpile", ("a",), lambda: "computed") == "computed"
    assert blocker.read_text() == "a file where the cache directory would be"


def test_a_damaged_file_is_computed_again_and_replaced(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sql_cache.compiled("transpile", ("a",), lambda: "first")
    [stored] = cache.rglob("*.json")
    stored.write_text('"trunc')
    _new_process(monkeypatch)
    assert sql_cache.compiled("transpile", ("a",), lambda: "again") == "again"
    assert stored.read_text() == '"again"'


def _every_model() -> list[Model]:
    found = []
    for kind, (_, ext) in MODEL_DIALECTS.items():
        folder = resource_dir("hive") if kind == "hive" else sql_dir() / kind
        found += [load_model(kind, path.stem) for path in sorted(folder.glob(f"*{ext}"))]
    return found


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
def test_every_model_renders_from_the_cache_exactly_as_it_renders_directly(
        dialect: str, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    params = model_params(date(2026, 11, 25), "daily-2026-11-25", load_contracts())
    models = _every_model()
    assert len(models) == 15
    direct = [bind(m._tree(), params).sql(dialect=dialect, pretty=False) for m in models]
    assert [m.render(dialect, params) for m in models] == direct
    _new_process(monkeypatch)
    other = model_params(date(2027, 1, 3), "hourly-2027-01-03.2", load_contracts())
    assert [m.render(dialect, other) for m in models] == [
        bind(m._tree(), other).sql(dialect=dialect, pretty=False) for m in models]
    _new_process(monkeypatch)
    assert [m.render(dialect, params) for m in models] == direct


def test_a_value_with_a_quote_is_bound_as_a_literal_of_the_dialect(cache: Path) -> None:
    model = Model("dim_x", "select :run_id as r, :run_id as again from stg_b", "spark")
    assert model.render("duckdb", {"run_id": "o'brien"}) == (
        "SELECT 'o''brien' AS r, 'o''brien' AS again FROM stg_b")
    assert model.render("spark", {"run_id": "o'brien"}) == (
        "SELECT 'o\\'brien' AS r, 'o\\'brien' AS again FROM stg_b")


def test_lineage_and_conform_and_hoisted_ctes_read_back_equal_what_was_computed(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    contract = load_contracts()["clickstream_events"]
    model = load_model("spark", "fct_digital_sessions")
    query = ("with a as materialized (select * from t), b as (select * from a) "
             "select * from b join a using (k)")
    first = (model.inputs, conform_sql(contract, "raw_x", "duckdb"),
             hoist_materialized_ctes(query, "duckdb", "tbl"))
    _new_process(monkeypatch)
    assert (model.inputs, conform_sql(contract, "raw_x", "duckdb"),
            hoist_materialized_ctes(query, "duckdb", "tbl")) == first
    assert first[0] == model._inputs()
    assert first[1] == _conform_sql(contract, "raw_x", "duckdb")
    assert first[2] == _hoisted(query, "duckdb", "tbl", True)
    assert first[2][0] == [("tbl__a", "SELECT * FROM t")]


def test_the_cache_directory_comes_from_the_environment(tmp_path: Path) -> None:
    assert Settings.from_env({"C360_SQL_CACHE_DIR": str(tmp_path)}).sql_cache_dir == tmp_path
    assert Settings.from_env({"C360_SQL_CACHE_DIR": ""}).sql_cache_dir is None


def test_the_default_cache_directory_is_the_users_cache(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.delenv("C360_SQL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert Settings().sql_cache_dir == tmp_path / "c360" / "sql"
    monkeypatch.setenv("C360_SQL_CACHE_DIR", str(tmp_path / "mine"))
    assert Settings().sql_cache_dir == tmp_path / "mine"
    monkeypatch.setenv("C360_SQL_CACHE_DIR", "")
    assert Settings().sql_cache_dir is None


def test_other_code_generations_unused_for_a_week_are_deleted_by_the_first_write(
        cache: Path) -> None:
    old = _aged(cache / "0123456789abcdef", days=8)
    recent = _aged(cache / "fedcba9876543210", days=1)
    sql_cache.compiled("transpile", ("a",), lambda: "computed")
    current = cache / sql_cache.fingerprint()[:sql_cache.GENERATION_CHARS]
    assert sorted(p.name for p in cache.iterdir()) == sorted([current.name, recent.name])
    assert not old.exists()


def test_a_generation_only_read_from_counts_as_used(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sql_cache.compiled("transpile", ("a",), lambda: "computed")
    current = cache / sql_cache.fingerprint()[:sql_cache.GENERATION_CHARS]
    week_ago = time.time() - 7 * 86_400
    os.utime(current, (week_ago, week_ago))
    _new_process(monkeypatch)
    assert sql_cache.compiled("transpile", ("a",), lambda: "again") == "computed"
    assert current.stat().st_mtime > time.time() - 60
