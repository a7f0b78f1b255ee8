"""Read and write the identity tables, on a local lake or one given as URIs (EMR).

The Engine does both: on a lake given as URIs (`s3://...` in EMR, `file://...` in the
local test of the EMR path) its writes go through the Spark session's Hadoop file
system (`c360.lake_files.HadoopFiles`), the same staged writes as on local folders.
"""

from __future__ import annotations

import pyarrow as pa

from c360.engine import Engine


def register(engine: Engine, table: str) -> bool:
    """Expose `table` under its name; False when it has no data yet."""
    if not engine.lake.exists(table):
        return False
    engine.register_table(table)
    return True


def read(engine: Engine, table: str) -> pa.Table | None:
    """The whole table as Arrow, or None when it has no data yet."""
    if not register(engine, table):
        return None
    return engine.query(f"select * from {table}", engine.dialect)


def write(engine: Engine, table: str, data: pa.Table) -> int:
    """Replace `table` with `data`; return its row count."""
    return engine.write_arrow(table, data)


def write_sql(engine: Engine, table: str, sql: str) -> int:
    """Materialize a query (in the engine's dialect) as `table`; return its row count."""
    return engine.write_table(table, sql, engine.dialect)
