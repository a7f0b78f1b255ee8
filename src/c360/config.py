"""One typed configuration object for every command, job and test.

Values come from (lowest to highest precedence) defaults, the environment
(`C360_*` variables) and explicit keyword overrides. No other module reads the
environment: they receive a `Settings` instance.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Literal

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")
LOG_LEVELS: tuple[str, ...] = ("DEBUG", "INFO", "WARNING", "ERROR")


def _cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Everything a c360 run needs to know about its environment."""

    lake_root: Path = Path("lake")
    """Root of the local lake; layers live in `<lake_root>/<layer>/<table>/`."""
    engine: EngineName = "duckdb"
    """Engine that runs the Glue and EMR steps locally (`C360_ENGINE`); Athena and Glue
    Python shell steps run on DuckDB either way (`c360.pipeline.definition.local_engine`)."""
    environment: str = "local"
    """Deployment environment name; part of lock keys and AWS names."""
    prefix: str = "c360"
    """Naming prefix for Glue databases, buckets and tables in AWS."""
    threads: int = 2
    """Worker threads for the local engines."""
    ingest_workers: int = field(default_factory=_cores)
    """Processes, the caller included, that check a big file-drop delivery
    (`C360_INGEST_WORKERS`; default: the cores this process may use; 1 = no pool). Only
    deliveries of at least `c360.ingest.landing.POOL_MIN_BYTES` start the others."""
    sandbox_key: str = field(default="local-sandbox-key-change-me", repr=False)
    """HMAC key used to tokenize direct identifiers in the sandbox (`C360_SANDBOX_KEY`)."""
    logical_date: date | None = None
    """Logical date of the run; defaults to the sources' logical date."""
    crm_api_url: str | None = None
    """Base URL of the CRM API (`C360_CRM_API_URL`); unset = simulate it from the sources."""
    core_banking_dsn: str | None = field(default=None, repr=False)
    """libpq URL of the core-banking database (`C360_CORE_BANKING_DSN`); unset = simulate it."""
    log_level: str = "INFO"
    """Level of the JSON logs on stderr (`C360_LOG_LEVEL`: DEBUG, INFO, WARNING, ERROR)."""
    sql_cache_dir: Path | None = field(default_factory=lambda: _default_sql_cache_dir())
    """Where a run keeps the SQL it compiled, for the next run (`C360_SQL_CACHE_DIR`;
    default `$XDG_CACHE_HOME/c360/sql`, else `~/.cache/c360/sql`; empty = keep nothing
    between runs). See `c360.sql_cache`."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from `C360_*` variables plus explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if "C360_LAKE_ROOT" in env:
            values["lake_root"] = Path(env["C360_LAKE_ROOT"])
        if "C360_ENGINE" in env:
            values["engine"] = env["C360_ENGINE"]
        if "C360_ENV" in env:
            values["environment"] = env["C360_ENV"]
        if "C360_PREFIX" in env:
            values["prefix"] = env["C360_PREFIX"]
        if "C360_THREADS" in env:
            values["threads"] = _int("C360_THREADS", env["C360_THREADS"])
        if "C360_INGEST_WORKERS" in env:
            values["ingest_workers"] = _int("C360_INGEST_WORKERS", env["C360_INGEST_WORKERS"])
        if "C360_SANDBOX_KEY" in env:
            values["sandbox_key"] = env["C360_SANDBOX_KEY"]
        if "C360_LOGICAL_DATE" in env:
            values["logical_date"] = _date("C360_LOGICAL_DATE", env["C360_LOGICAL_DATE"])
        if env.get("C360_CRM_API_URL"):
            values["crm_api_url"] = env["C360_CRM_API_URL"]
        if env.get("C360_CORE_BANKING_DSN"):
            values["core_banking_dsn"] = env["C360_CORE_BANKING_DSN"]
        if env.get("C360_LOG_LEVEL"):
            values["log_level"] = env["C360_LOG_LEVEL"].upper()
        if "C360_SQL_CACHE_DIR" in env:
            values["sql_cache_dir"] = _default_sql_cache_dir(env)
        values.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise ConfigError naming the first invalid value."""
        if self.engine not in ENGINES:
            raise ConfigError(
                f"C360_ENGINE={self.engine!r} is not supported; use one of {', '.join(ENGINES)}"
            )
        if self.log_level not in LOG_LEVELS:
            raise ConfigError(
                f"C360_LOG_LEVEL={self.log_level!r} is not a level; use one of "
                f"{', '.join(LOG_LEVELS)}")
        if self.threads < 1:
            raise ConfigError(f"C360_THREADS must be >= 1, got {self.threads}")
        if self.ingest_workers < 1:
            raise ConfigError(f"C360_INGEST_WORKERS must be >= 1, got {self.ingest_workers}")
        if not self.prefix.replace("_", "").isalnum() or not self.prefix[:1].isalpha():
            raise ConfigError(f"C360_PREFIX={self.prefix!r} must be alphanumeric/underscore")

    def with_(self, **changes: object) -> Settings:
        """A copy with some values changed (validated)."""
        new = replace(self, **changes)  # type: ignore[arg-type]
        new.validate()
        return new


def _default_sql_cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """`C360_SQL_CACHE_DIR` of `env` (default: the process environment; empty: None),
    else the user's cache folder."""
    env = os.environ if env is None else env
    configured = env.get("C360_SQL_CACHE_DIR")
    if configured is not None:
        return Path(configured.strip()) if configured.strip() else None
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "c360" / "sql"


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


def _date(name: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a date YYYY-MM-DD, got {raw!r}") from None
