"""Integration tests: the built artifacts, deployed to the AWS emulator (tests/harness)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from harness.fixtures import aws_env, emulator, unique_name  # noqa: F401

from .aws import Artifacts, build_artifacts


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Artifacts]:
    """`make build`'s output, built once per session: the tests deploy these files."""
    yield build_artifacts(Path(tmp_path_factory.mktemp("dist")))
