"""A small generated population and one pipeline run per engine, shared per session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from c360.config import Settings
from c360.pipeline.runner import RunManifest, run_pipeline
from c360.sources.generator import generate

LOGICAL_DATE = date(2026, 11, 25)
CUSTOMERS = 300


@pytest.fixture(scope="session")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sources")
    generate(out, customers=CUSTOMERS, seed=11, logical_date=LOGICAL_DATE)
    return out


def _run(tmp_path_factory: pytest.TempPathFactory, sources: Path, engine: str
         ) -> tuple[Settings, RunManifest]:
    settings = Settings(lake_root=tmp_path_factory.mktemp(f"lake-{engine}"), engine=engine)  # type: ignore[arg-type]
    return settings, run_pipeline(settings, LOGICAL_DATE, sources)


@pytest.fixture(scope="session")
def duckdb_run(tmp_path_factory, sources) -> tuple[Settings, RunManifest]:
    return _run(tmp_path_factory, sources, "duckdb")


@pytest.fixture(scope="session")
def spark_run(tmp_path_factory, sources) -> tuple[Settings, RunManifest]:
    return _run(tmp_path_factory, sources, "spark")
