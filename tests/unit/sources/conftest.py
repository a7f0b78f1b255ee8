"""Session-wide generated outputs for the source-generator tests (small, a second each)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sources_testkit import CUSTOMERS, NAME_MESS_OFF, SEED

from c360.sources.generator import GenerationResult, generate
from c360.sources.messiness import Messiness


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    """Sources with the default (messy) settings."""
    return generate(tmp_path_factory.mktemp("default"), CUSTOMERS, SEED)


@pytest.fixture(scope="session")
def names_clean_run(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    """Sources with every name-mess rate at 0 and everything else at its default."""
    return generate(
        tmp_path_factory.mktemp("names_clean"), CUSTOMERS, SEED, messiness=NAME_MESS_OFF
    )


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    """Sources with every noise, missing-value and duplicate rate at 0."""
    return generate(tmp_path_factory.mktemp("clean"), CUSTOMERS, SEED, messiness=Messiness.clean())


@pytest.fixture()
def out(default_run: GenerationResult) -> Path:
    """Output folder of the default run."""
    return default_run.out_dir
