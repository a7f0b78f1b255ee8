"""Reliability and privacy tests: erasure, crash recovery, locking, log hygiene."""

from __future__ import annotations

from harness.fixtures import aws_env, emulator, unique_name  # noqa: F401
