"""Where identity SQL runs: a c360 `Engine` (DuckDB locally, Spark on EMR) plus Splink.

Identity needs a little more than the narrow Engine interface: materialized
scratch tables (linkage reads them several times), Arrow tables handed to the
engine, and the Splink database API over the same connection. This adapter
adds exactly that, keeping dialect differences where the Engine keeps them:
SQL is written once in Spark SQL and transpiled by sqlglot for DuckDB.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from c360.engine import Engine


class IdentityBackend:
    """Scratch tables, Arrow exchange and a Splink DB API over one engine session."""

    def __init__(self, engine: Engine, scratch_uri: str | None = None) -> None:
        """`scratch_uri`: where Spark materializes scratch tables (an s3:// prefix on EMR);
        a local temporary folder when not given (removed by `close`)."""
        self.engine = engine
        self.dialect = engine.dialect
        self._scratch_uri = scratch_uri.rstrip("/") if scratch_uri else None
        self._local: Path | None = None
        self._created: list[str] = []
        self._tables: list[str] = []
        self._views: list[str] = []  # DuckDB views over scratch tables (numbered_table)
        self._progress_bar: object = None
        if self.dialect == "duckdb":
            # Long linkage queries would otherwise draw DuckDB's progress bar on stdout.
            self._progress_bar = self._duckdb.execute(
                "select current_setting('enable_progress_bar')").fetchone()[0]
            self._duckdb.execute("set enable_progress_bar = false")

    # -- tables --------------------------------------------------------------------
    def table(self, name: str, sql: str) -> None:
        """Materialize a Spark SQL query as scratch table `name` (replacing it)."""
        rendered = self.engine.transpile(sql, "spark")
        if self.dialect == "duckdb":
            self._duckdb.execute(f"create or replace temp table {name} as {rendered}")
        else:
            self._spark_materialize(name, self._spark.sql(rendered))
        self._tables.append(name)

    def numbered_table(self, name: str, sql: str, key: str, number: str) -> None:
        """Materialize a Spark SQL query as `name`, rows in order of `key` (unique), with
        column `number` first: each row's 0-based position in that order.

        Spark: `row_number()` over the key. DuckDB: the rows sorted once, and the
        position is their `rowid` (a window ordered by the key would sort every
        column once more; this was the costliest statement of identity's own SQL).
        """
        rendered = self.engine.transpile(sql, "spark")
        if self.dialect != "duckdb":
            self.table(name, f"select cast(row_number() over (order by {key}) - 1 as bigint) "
                             f"as {number}, * from ({sql}) as unnumbered")
            return
        # Stored in the sorted order only while insertion order is preserved (the engine
        # turns that off for faster writes): on for this one statement.
        preserve = self._duckdb.execute(
            "select current_setting('preserve_insertion_order')").fetchone()[0]
        self._duckdb.execute("set preserve_insertion_order = true")
        try:
            self._duckdb.execute(f"create or replace temp table {name}__sorted as "
                                 f"select * from ({rendered}) as unnumbered order by {key}")
        finally:
            self._duckdb.execute(f"set preserve_insertion_order = {bool(preserve)}")
        self._tables.append(f"{name}__sorted")
        self._duckdb.execute(f"create or replace temp view {name} as "
                             f"select rowid as {number}, * from {name}__sorted")
        self._views.append(name)

    def arrow(self, name: str, data: pa.Table) -> None:
        """Expose an Arrow table as scratch table `name`."""
        if self.dialect == "duckdb":
            view = f"{name}__arrow"
            self._duckdb.register(view, data)
            self._duckdb.execute(f"create or replace temp table {name} as select * from {view}")
            self._duckdb.unregister(view)
        else:
            import pyarrow.fs as pafs

            uri = self._scratch_for(name)
            fs, path = pafs.FileSystem.from_uri(uri)
            fs.create_dir(path, recursive=True)
            pq.write_table(data, f"{path}/part-00000.parquet", filesystem=fs)
            self._spark.read.parquet(uri).createOrReplaceTempView(name)
        self._tables.append(name)

    def fetch(self, sql: str) -> pa.Table:
        """Run a Spark SQL query and return its result as Arrow."""
        return self.engine.query(sql, "spark")

    def columns(self, name: str) -> list[str]:
        return list(self.fetch(f"select * from {name} limit 0").column_names)

    def count(self, name: str) -> int:
        return int(self.fetch(f"select count(*) as n from {name}").column(0)[0].as_py())

    # -- Splink --------------------------------------------------------------------
    def splink_api(self) -> Any:
        """Splink's database API over this engine's own connection/session."""
        if self.dialect == "duckdb":
            from splink.backends.duckdb import DuckDBAPI

            return DuckDBAPI(connection=self._duckdb)
        from splink.backends.spark import SparkAPI, similarity_jar_location

        # Splink's Spark similarity functions (jaro_winkler, ...) live in a jar its wheel
        # ships; ADD JAR makes them loadable even in a session created without it.
        self._spark.sql(f"ADD JAR {similarity_jar_location()}")
        # Splink breaks lineage by writing intermediate tables below the checkpoint dir.
        self._spark.sparkContext.setCheckpointDir(self._scratch_for("splink"))
        return SparkAPI(spark_session=self._spark, break_lineage_method="parquet",
                        num_partitions_on_repartition=max(2, self.engine.threads))

    # -- housekeeping --------------------------------------------------------------
    def _scratch_for(self, name: str) -> str:
        if self._scratch_uri is None:
            self._local = Path(tempfile.mkdtemp(prefix="c360-identity-"))
            self._scratch_uri = self._local.as_uri()
        uri = f"{self._scratch_uri}/{name}-{uuid.uuid4().hex[:8]}"
        self._created.append(uri)
        return uri

    def close(self) -> None:
        """Drop scratch tables and the scratch folder this backend created."""
        for name in self._views:
            try:
                self._duckdb.execute(f"drop view if exists {name}")
            except Exception:  # noqa: BLE001, S110 — best effort cleanup of scratch views
                pass
        self._views.clear()
        for name in self._tables:
            try:
                if self.dialect == "duckdb":
                    self._duckdb.execute(f"drop table if exists {name}")
                else:
                    self._spark.catalog.dropTempView(name)
            except Exception:  # noqa: BLE001, S110 — best effort cleanup of scratch tables
                pass
        self._tables.clear()
        if self.dialect == "duckdb" and self._progress_bar is not None:
            self._duckdb.execute(f"set enable_progress_bar = {bool(self._progress_bar)}")
            self._progress_bar = None
        if self._local is not None:
            shutil.rmtree(self._local, ignore_errors=True)
            self._local = None
            self._scratch_uri = None
        elif self.dialect == "spark":
            self._delete_remote(self._created)
        self._created.clear()

    def __enter__(self) -> IdentityBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _duckdb(self) -> Any:
        return self.engine.con  # type: ignore[attr-defined]

    @property
    def _spark(self) -> Any:
        return self.engine.spark  # type: ignore[attr-defined]

    def _delete_remote(self, uris: list[str]) -> None:
        """Remove scratch folders on S3/HDFS through Hadoop's FileSystem (best effort)."""
        jvm = self._spark.sparkContext._jvm
        conf = self._spark.sparkContext._jsc.hadoopConfiguration()
        for uri in uris:
            try:
                path = jvm.org.apache.hadoop.fs.Path(uri)
                path.getFileSystem(conf).delete(path, True)
            except Exception:  # noqa: BLE001, S110 — leftover scratch is harmless
                pass

    def _spark_materialize(self, name: str, frame: Any) -> None:
        """Write to scratch Parquet and read back: breaks lineage, computes once."""
        uri = self._scratch_for(name)
        frame.write.mode("overwrite").parquet(uri)
        self._spark.read.parquet(uri).createOrReplaceTempView(name)
