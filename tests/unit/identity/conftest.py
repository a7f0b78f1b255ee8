"""Identity test fixtures: the shipped settings, with and without the probabilistic pass."""

from __future__ import annotations

from dataclasses import replace

import pytest

from c360.identity.settings import IdentitySettings, load_identity_settings


@pytest.fixture(scope="session")
def shipped() -> IdentitySettings:
    """config/identity.yaml as shipped."""
    return load_identity_settings()


@pytest.fixture(scope="session")
def rules_only(shipped: IdentitySettings) -> IdentitySettings:
    """The shipped settings with the probabilistic pass switched off."""
    return replace(shipped, probabilistic=replace(shipped.probabilistic, enabled=False))
