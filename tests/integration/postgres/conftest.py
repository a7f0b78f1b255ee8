"""PostgreSQL integration tests: a throwaway cluster per session, a fresh database per test,
and a small generated core-banking export to load into it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pg_harness import pg_cluster, pg_database  # noqa: F401

from c360.sources.generator import GenerationResult, generate


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    return generate(tmp_path_factory.mktemp("sources"), customers=150, seed=5,
                    logical_date=date(2026, 11, 25))


@pytest.fixture(scope="session")
def sources(generated: GenerationResult) -> Path:
    return generated.out_dir
