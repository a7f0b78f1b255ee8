"""Shared fixtures: settings pointing at a temp lake, engines, small generated sources."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from c360.config import Settings
from c360.engine.duckdb_engine import DuckDBEngine
from c360.lake import Lake

_SQL_CACHE: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    """The tests' compiled-SQL cache is their own (every test lake's paths make entries
    of their own): one folder per test process, shared by the `c360` commands it
    starts, removed when the process ends; the user's cache is never touched."""
    global _SQL_CACHE
    _SQL_CACHE = Path(tempfile.mkdtemp(prefix="c360-test-sql-cache-"))
    os.environ["C360_SQL_CACHE_DIR"] = str(_SQL_CACHE)  # `Settings()`'s default too


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SQL_CACHE is not None:
        shutil.rmtree(_SQL_CACHE, ignore_errors=True)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(lake_root=tmp_path / "lake")


@pytest.fixture
def lake(settings: Settings) -> Lake:
    return Lake.local(settings.lake_root)


@pytest.fixture
def duckdb_engine(lake: Lake):
    engine = DuckDBEngine(lake)
    yield engine
    engine.close()


def _engine_on(kind: str, lake: Lake):
    """A DuckDB or Spark engine on `lake`; "spark-uris": Spark on the same folders given
    as `file://` URIs, whose files the session's Hadoop file system moves (`HadoopFiles`:
    the Glue and EMR jobs' path)."""
    if kind == "duckdb":
        return DuckDBEngine(lake)
    from c360.engine.spark_engine import SparkEngine, local_spark_session

    if kind == "spark-uris":
        from c360.lake import LAYERS
        from c360.lake_files import HadoopFiles

        lake = Lake.from_uris({layer: f"file://{lake.layer_roots[layer]}" for layer in LAYERS},
                              files=HadoopFiles(local_spark_session()))
    return SparkEngine(lake)


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine(request, lake: Lake):
    """The test runs once per engine: the same behaviour is required of both."""
    eng = _engine_on(request.param, lake)
    yield eng
    eng.close()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark),
                        pytest.param("spark-uris", marks=pytest.mark.spark)])
def engine_on_any_lake(request, lake: Lake):
    """`engine`, plus Spark on the same folders given as `file://` URIs (see `_engine_on`)."""
    eng = _engine_on(request.param, lake)
    yield eng
    eng.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop simulated databases left by `c360 run` subprocesses the tests SIGKILLed
    (tests/reliability kills runs mid-way; a killed run cannot stop its server)."""
    from c360.sources.postgres import reap_orphaned_clusters

    reap_orphaned_clusters()
