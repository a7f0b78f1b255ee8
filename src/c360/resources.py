"""Locate the SQL models and data contracts, in a wheel or in the source tree."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parents[1]


# Resource name → where it lives in the repository (the wheel keeps them under _resources/).
_IN_REPO = {"sql": "sql", "contracts": "contracts", "hive": "jobs/emr/hive"}


def resource_dir(name: str) -> Path:
    """Directory `name` (sql, contracts, hive): packaged copy first, then the repo's."""
    packaged = _PACKAGE_DIR / "_resources" / name
    if packaged.is_dir():
        return packaged
    in_repo = _REPO_ROOT / _IN_REPO[name]
    if in_repo.is_dir():
        return in_repo
    raise FileNotFoundError(f"c360 resource directory {name!r} not found (looked in {packaged})")


def sql_dir() -> Path:
    return resource_dir("sql")


def contracts_dir() -> Path:
    return resource_dir("contracts")


def repo_root() -> Path:
    """The source checkout (only meaningful when running from the repo)."""
    return _REPO_ROOT
