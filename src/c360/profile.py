"""Read customer 360 profiles from the latest `c360_customer_profile` snapshot."""

from __future__ import annotations

from typing import Any

from c360.config import Settings
from c360.engine.duckdb_engine import DuckDBEngine
from c360.lake import Lake

PROFILE_TABLE = "c360_customer_profile"


class ProfileNotFound(LookupError):
    pass


def _latest_snapshot_sql() -> str:
    return (
        f"select * from {PROFILE_TABLE} where snapshot_date = "
        f"(select max(snapshot_date) from {PROFILE_TABLE})"
    )


def read_profile(settings: Settings, customer_id: str) -> dict[str, Any]:
    """One profile as a dict (reads Parquet with DuckDB whatever engine built it)."""
    lake = Lake.local(settings.lake_root)
    with DuckDBEngine(lake, settings.threads) as engine:
        engine.register_table(PROFILE_TABLE)
        engine.register_view("latest_profile", _latest_snapshot_sql())
        cursor = engine.con.execute(
            "select * from latest_profile where customer_id = ?", [customer_id])
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if not rows:
        raise ProfileNotFound(f"customer {customer_id} not found in {PROFILE_TABLE}")
    return rows[0]


def sample_customer_id(settings: Settings) -> str:
    """A customer seen in the most sources (a good demo of the 360 view)."""
    lake = Lake.local(settings.lake_root)
    with DuckDBEngine(lake, settings.threads) as engine:
        engine.register_table(PROFILE_TABLE)
        engine.register_view("latest_profile", _latest_snapshot_sql())
        row = engine.con.execute(
            "select customer_id from latest_profile "
            "order by source_record_count desc, product_count desc, customer_id limit 1"
        ).fetchone()
    if row is None:
        raise ProfileNotFound(f"{PROFILE_TABLE} is empty")
    return str(row[0])
