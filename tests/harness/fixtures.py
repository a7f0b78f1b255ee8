"""pytest fixtures for tests that talk to the emulator. Import them into a conftest:

    from harness.fixtures import aws_env, emulator, unique_name  # noqa: F401
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from .emulator import Emulator, start_emulator


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One emulator per test session (per xdist worker), stopped at the end."""
    running = start_emulator()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def aws_env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """Point boto3 in this process at the emulator for one test (env restored after)."""
    for key, value in emulator.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return emulator


@pytest.fixture
def unique_name() -> str:
    """A short unique resource name: tests share one emulator, never its resources."""
    return f"c360-t{uuid.uuid4().hex[:10]}"
