"""Spark engine: the Glue 5.0 / EMR runtime (PySpark 3.5.4), also runnable locally.

Locally it runs `local[threads]` with AQE on and few shuffle partitions (fixed
overheads dominate small data), reading and writing the lake through file://.
In Glue/EMR the job adapters pass in their own SparkSession.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from c360.engine.base import Engine, RawSource
from c360.lake import STAGING, Lake
from c360.lake_files import data_files

_SESSION: Any = None
LOOPBACK_ONLY: dict[str, bool | float | int | str | None] = {
    "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
"""A local session's driver RPC and block manager listen on loopback only (Spark's
default is the host's address)."""
JIT_HUGE_METHODS = "-XX:-DontCompileHugeMethods"
"""Lets HotSpot compile the huge methods whole-stage code generation makes (below); the
EMR steps pass it to their driver and executors too (`c360.orchestration.asl`)."""
LOCAL_JVM_OPTIONS = f"-XX:+UseParallelGC {JIT_HUGE_METHODS}"
"""The local driver JVM's options.

`-XX:+UseParallelGC`: the parallel (throughput) collector. A local run is one batch
job whose pauses cost nothing, and G1's concurrent work competed with the two task
threads: the first conforms of a new process (CRM, core-banking customers and
transactions, clickstream at 100k customers) took 76.1-80.2 s with it against
80.4-85.0 s with G1, in interleaved runs (docs/dimensions.md, session 12).

`-XX:-DontCompileHugeMethods`: HotSpot never JIT-compiles a method above 8,000 bytes
of bytecode, and whole-stage code generation makes such methods for wide projections
(Spark's own limit, `spark.sql.codegen.hugeMethodLimit`, is 65,535): they then run
interpreted for the whole query. Identity's standardization (names, ids and address
abbreviations in one projection) took 6.35 s with the default and 2.82 s with the
flag over 436,259 person records (docs/dimensions.md, session 13).

The benchmark's PySpark floor uses the same options."""


def local_spark_session(threads: int = 2) -> Any:
    """One process-wide local SparkSession (Spark allows one per JVM)."""
    global _SESSION
    # A job adapter run in-process (tests) may stop the session: start a new one then.
    if _SESSION is not None and _SESSION.sparkContext._jsc is not None:
        return _SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "C360_ENGINE=spark needs PySpark: pip install 'c360[spark]' (pyspark==3.5.4)"
        ) from None
    scratch = tempfile.mkdtemp(prefix="c360-spark-")
    # The session's warehouse and Derby folders live as long as this process.
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    os.environ.setdefault("PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON", "python3"))
    _SESSION = (
        SparkSession.builder.master(f"local[{threads}]")
        .appName("c360")
        .config("spark.ui.enabled", "false")
        .config(map=LOOPBACK_ONLY)
        .config("spark.sql.shuffle.partitions", str(max(2, threads)))
        # Listing hundreds of raw files (hourly clickstream batches) in-process, not as a
        # Spark job per read (the default above 32 paths costs seconds locally).
        .config("spark.sql.sources.parallelPartitionDiscovery.threshold", "100000")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", f"{scratch}/warehouse")
        .config("spark.driver.extraJavaOptions",
                f"-Dderby.system.home={scratch}/derby {LOCAL_JVM_OPTIONS}")
        .config("spark.sql.parquet.compression.codec", "snappy")
        # Instants as TIMESTAMP_MICROS (UTC-adjusted), as DuckDB writes them; not legacy INT96.
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


def _uri(path: str) -> str:
    return path if "://" in path else f"file://{path}"


class SparkEngine(Engine):
    name = "spark"
    dialect = "spark"
    hoists_materialized_ctes = True

    def __init__(self, lake: Lake, threads: int = 2, session: Any = None) -> None:
        super().__init__(lake, threads)
        self.spark = session or local_spark_session(threads)
        self._materialized: dict[str, str] = {}
        """Materialized views and where their Parquet is."""

    def _register_sql_view(self, view: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(view)

    def _register_parquet(self, view: str, location: str) -> None:
        self.spark.read.parquet(_uri(location)).createOrReplaceTempView(view)

    def _register_raw(self, view: str, source: RawSource) -> None:
        from pyspark.sql import functions as F

        files = [_uri(f) for f in source.files]
        if source.format == "lines":
            df = self.spark.read.text(files).withColumnRenamed("value", "line")
        elif source.format == "csv":
            reader = self.spark.read.option("header", True).option("delimiter", source.delimiter)
            reader = reader.option("quote", '"').option("escape", '"').option("multiLine", True)
            if source.header_marker:
                # Framed mainframe CSV: drop the header/trailer records, then parse the rest.
                # DataFrame code because Spark's CSV reader cannot skip a leading record.
                markers = [m for m in (source.header_marker, source.trailer_marker) if m]
                df = None
                for f in source.files:
                    body = self.spark.read.text(_uri(f))
                    body = body.filter(~F.split("value", source.delimiter)[0].isin(markers))
                    part = self._csv_lines(reader, body)
                    part = part.withColumn("_source_file", F.lit(f.removeprefix("file://")))
                    df = part if df is None else df.unionByName(part, allowMissingColumns=True)
            else:
                df = reader.csv(files)
        elif source.format == "parquet":
            df = self.spark.read.parquet(*files)
        else:
            raise ValueError(f"unknown raw format {source.format!r}")
        if "_source_file" not in df.columns:
            path = F.regexp_replace(F.input_file_name(), "^file://", "")
            df = df.withColumn("_source_file", path)
        if source.columns and source.format in ("csv", "parquet"):
            cols = [
                (F.col(c) if c in df.columns else F.lit(None)).cast("string").alias(c)
                for c in source.columns
            ]
            df = df.select(*cols, "_source_file")
        df.createOrReplaceTempView(view)

    def _csv_lines(self, reader: Any, lines: Any) -> Any:
        """Parse a one-column DataFrame of CSV lines with `reader`'s options, in the JVM.

        The JVM's `DataFrameReader.csv(Dataset[String])`: PySpark's `csv(rdd)` would send
        every line through a Python worker and back (that worker's start alone cost
        ~1-2 s per run locally). The lines are parsed as they are: a quoted field cannot
        span two of them.
        """
        from pyspark.sql import DataFrame

        jvm = self.spark.sparkContext._jvm
        as_strings = getattr(lines._jdf, "as")(jvm.org.apache.spark.sql.Encoders.STRING())
        return DataFrame(reader._jreader.csv(as_strings), self.spark)

    def _write_parquet(self, sql: str, directory: str, partition_by: Sequence[str]) -> None:
        df = self.spark.sql(sql)
        # No coalesce(1): it would pull the whole query (JSON parsing, windows) into one task.
        writer = df.write.mode("overwrite")
        if partition_by:
            writer = writer.partitionBy(*partition_by)
        writer.parquet(_uri(directory))

    def _materialize(self, view: str, sql: str) -> int | None:
        """Written once as Parquet under the stage layer's `.staging/` and read from there.

        Cheaper than Spark's cache here: building the in-memory columnar cache of the
        5M checked transactions at 100k customers (and spilling it past the driver's
        memory) made their conform 36-38 s; a Parquet round trip 29.5 s (local[2]).
        The same path works on S3 in Glue/EMR. `_release` deletes it.
        """
        self._release(view)
        location = (f"{self.lake.layer_roots['stage'].rstrip('/')}/{STAGING}/"
                    f"{view}-{uuid.uuid4().hex[:12]}")
        self._materialized[view] = location
        self.spark.sql(sql).write.mode("overwrite").parquet(_uri(location))
        self.spark.read.parquet(_uri(location)).createOrReplaceTempView(view)
        # Rows from the files' footers where they are local (a lake given as URIs: counted).
        files = self.lake.files
        return None if "://" in location else files.parquet_rows(data_files(files, location))

    def _release(self, view: str) -> None:
        location = self._materialized.pop(view, None)
        self.spark.catalog.dropTempView(view)
        if location is not None:
            jvm = self.spark.sparkContext._jvm
            path = jvm.org.apache.hadoop.fs.Path(_uri(location))
            path.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration()).delete(
                path, True)

    def _query_arrow(self, sql: str) -> pa.Table:
        from pyspark.sql.pandas.types import to_arrow_schema

        df = self.spark.sql(sql)
        batches = df._collect_as_arrow()
        if not batches:
            return pa.Table.from_batches([], schema=to_arrow_schema(df.schema))
        return pa.Table.from_batches(batches)

    def close(self) -> None:
        """The session is shared process-wide; views are dropped, Spark keeps running."""
        for table in self.spark.catalog.listTables():
            if table.isTemporary:
                self.spark.catalog.dropTempView(table.name)
