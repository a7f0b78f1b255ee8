"""Shared fixtures: settings pointing at a temp lake, engines, small generated sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from c360.config import Settings
from c360.engine.duckdb_engine import DuckDBEngine
from c360.lake import Lake


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


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine(request, lake: Lake):
    """The test runs once per engine: the same behaviour is required of both."""
    if request.param == "duckdb":
        eng = DuckDBEngine(lake)
    else:
        from c360.engine.spark_engine import SparkEngine

        eng = SparkEngine(lake)
    yield eng
    eng.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop simulated databases left by `c360 run` subprocesses the tests SIGKILLed
    (tests/reliability kills runs mid-way; a killed run cannot stop its server)."""
    from c360.sources.postgres import reap_orphaned_clusters

    reap_orphaned_clusters()
