"""Throwaway PostgreSQL for tests: one cluster per test session (per xdist worker),
a fresh database per test.

The cluster is `c360.sources.postgres.LocalPostgres` (initdb as the unprivileged
`c360pg` user when running as root, 127.0.0.1 on a free port, random password);
the session fixture stops it with `pg_ctl stop -m fast` in a `finally`, so a
failing test never leaves a server behind. Missing PostgreSQL binaries fail the
tests that need them, loudly: they are part of the supported environment.

Use: `from pg_harness import pg_cluster, pg_database  # noqa: F401` in a conftest.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from c360.sources.postgres import LocalPostgres

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[LocalPostgres]:
    cluster = LocalPostgres()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_database(pg_cluster: LocalPostgres) -> Iterator[str]:
    """DSN of an empty database created for this test and dropped after it."""
    import psycopg

    name = f"test_{next(_names)}"
    admin = pg_cluster.dsn.replace(f"/{pg_cluster.database}?", "/postgres?")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')  # type: ignore[arg-type]
    try:
        yield pg_cluster.dsn.replace(f"/{pg_cluster.database}?", f"/{name}?")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')  # type: ignore[arg-type]
