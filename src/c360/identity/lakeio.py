"""Read and write the identity tables on a local lake or on S3 (EMR).

On a local lake the Engine does it (atomic folder swaps). The Engine's lake
helpers work on local folders only, so when the lake is given as URIs
(`s3://...` in EMR, `file://...` in the local test of the EMR path) the Spark
session reads and writes the Parquet folders itself.
"""

from __future__ import annotations

import pyarrow as pa

from c360.engine import Engine
from c360.identity.backend import IdentityBackend


def is_remote(engine: Engine) -> bool:
    return any("://" in root for root in engine.lake.layer_roots.values())


def register(engine: Engine, table: str) -> bool:
    """Expose `table` under its name; False when it has no data yet."""
    if not is_remote(engine):
        if not engine.lake.exists(table):
            return False
        engine.register_table(table)
        return True
    from pyspark.sql.utils import AnalysisException

    try:
        frame = engine.spark.read.parquet(engine.lake.location(table))  # type: ignore[attr-defined]
    except AnalysisException:  # the path does not exist yet
        return False
    frame.createOrReplaceTempView(table)
    return True


def read(engine: Engine, table: str) -> pa.Table | None:
    """The whole table as Arrow, or None when it has no data yet."""
    if not register(engine, table):
        return None
    return engine.query(f"select * from {table}", engine.dialect)


def write(engine: Engine, backend: IdentityBackend, table: str, data: pa.Table) -> int:
    """Replace `table` with `data`; return its row count."""
    if not is_remote(engine):
        return engine.write_arrow(table, data)
    view = f"{table}__new"
    backend.arrow(view, data)
    engine.spark.table(view).write.mode("overwrite").parquet(  # type: ignore[attr-defined]
        engine.lake.location(table))
    return data.num_rows


def write_sql(engine: Engine, table: str, sql: str) -> int:
    """Materialize a query (in the engine's dialect) as `table`; return its row count."""
    if not is_remote(engine):
        return engine.write_table(table, sql, engine.dialect)
    location = engine.lake.location(table)
    with engine.materialized_ctes(table, sql) as query:
        engine.spark.sql(query).write.mode("overwrite").parquet(  # type: ignore[attr-defined]
            location)
    return int(engine.spark.read.parquet(location).count())  # type: ignore[attr-defined]
