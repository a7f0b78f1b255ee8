"""Incremental extract of the core-banking tables from PostgreSQL into RAW (Parquet).

Per table, a watermark and a bookmark (`<raw>/_checkpoints/core_banking_<table>.json`):
- `transactions`: `transaction_id` (bookings are immutable and ids increase);
  bookmark `{"transaction_id": <last extracted>}`, next run reads `> last`.
- `customers`, `accounts`: `updated_at` (rows change); bookmark
  `{"updated_at": <last>, "keys_at_last": [...]}`, next run reads `>= last` and
  drops the keys already extracted at exactly `last`, so a row committed later
  with the same timestamp is not lost and none is read twice.
- `products`: a small catalogue, read whole every run (an unchanged catalogue
  gives the same bytes, which the ledger skips).

One extract runs in one snapshot: a coordinating transaction exports it
(`pg_export_snapshot()`), fixes the upper bound, splits the key range into N
ranges, and N workers read them concurrently with `SET TRANSACTION SNAPSHOT`,
each streaming one `COPY (SELECT ...) TO STDOUT` in chunks → pyarrow → one
Parquet file per range. Every column is extracted as text (what the contract's
RAW format holds; conform types it). The files land through `landing.land`, then
the bookmark moves. A connection lost mid-way fails the extract before anything
lands; the rerun reads the same range again.

`spark_extract` is the same extract through Spark JDBC, for the Glue job.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from c360.contracts import Contract
from c360.ingest.checkpoints import Checkpoints
from c360.ingest.landing import (
    LandingReport,
    Ledger,
    delivery_key,
    describe_written,
    free_run_folder,
    land,
    publish_written,
    sha256_file,
)
from c360.ingest.store import ObjectStore
from c360.ingest.validate import checker_for

SCHEMA = "core_banking"
CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class TableSpec:
    """How one table is extracted incrementally."""

    table: str
    key: str
    """Primary key; numeric keys are split into ranges for parallel reads."""
    watermark: str | None
    """Column that only grows for new or changed rows; None = full extract."""
    numeric_key: bool = True

    @property
    def dataset(self) -> str:
        return f"core_banking_{self.table}"


TABLES: dict[str, TableSpec] = {
    "customers": TableSpec("customers", "customer_number", "updated_at"),
    "accounts": TableSpec("accounts", "account_id", "updated_at"),
    "products": TableSpec("products", "product_code", None, numeric_key=False),
    "transactions": TableSpec("transactions", "transaction_id", "transaction_id"),
}


class ExtractError(RuntimeError):
    """The extract failed; nothing was landed and the bookmark did not move."""


@dataclass
class ExtractResult:
    table: str
    rows: int
    partitions: int
    bookmark_before: dict[str, Any] | None
    bookmark_after: dict[str, Any] | None
    landing: LandingReport | None = None
    parts: list[Path] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        out: dict[str, object] = {"partitions": self.partitions,
                                  "bookmark_before": self.bookmark_before,
                                  "bookmark_after": self.bookmark_after}
        if self.landing is not None:
            out.update(self.landing.summary())
        return out


def spec_for(table: str) -> TableSpec:
    if table not in TABLES:
        raise ValueError(f"unknown core-banking table {table!r}; one of {', '.join(TABLES)}")
    return TABLES[table]


# -- the range to read -------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Rows to read: a watermark range and the key sub-ranges the workers split it into."""

    where: str
    params: tuple[Any, ...]
    ranges: list[tuple[Any, Any]]
    """(low inclusive, high inclusive) key ranges; [(None, None)] = one unsplit read."""
    upper: Any


def _window(cur: Any, spec: TableSpec, bookmark: dict[str, Any] | None,
            partitions: int) -> Window | None:
    """The watermark filter for this run, fixed inside the exported snapshot."""
    table = f"{SCHEMA}.{spec.table}"
    if spec.watermark is None:
        return Window("true", (), [(None, None)], None)
    if spec.watermark == spec.key:  # append-only: transaction_id
        low = int(bookmark[spec.watermark]) if bookmark else None
        cur.execute(f"select max({spec.key}) from {table}")
        upper = cur.fetchone()[0]
        if upper is None or (low is not None and upper <= low):
            return None
        params: tuple[Any, ...] = (upper,)
        where = f"{spec.key} <= %s"
        if low is not None:
            where, params = f"{spec.key} > %s and {spec.key} <= %s", (low, upper)
    else:  # updated_at with an inclusive lower bound minus the keys already taken there
        cur.execute(f"select max({spec.watermark})::text from {table}")
        upper = cur.fetchone()[0]
        if upper is None:
            return None
        where, params = f"{spec.watermark} <= %s::timestamp", (upper,)
        if bookmark:
            where = (f"{spec.watermark} >= %s::timestamp and {spec.watermark} <= %s::timestamp "
                     f"and not ({spec.watermark} = %s::timestamp and {spec.key} = any(%s))")
            params = (bookmark[spec.watermark], upper, bookmark[spec.watermark],
                      list(bookmark.get("keys_at_last", [])))
    cur.execute(f"select min({spec.key}), max({spec.key}), count(*) from {table} where {where}",
                params)
    low_key, high_key, count = cur.fetchone()
    if not count:
        return None
    return Window(where, params, split_range(low_key, high_key, partitions), upper)


def split_range(low: int, high: int, parts: int) -> list[tuple[int, int]]:
    """[low, high] as up to `parts` contiguous inclusive ranges of (nearly) equal width."""
    parts = max(1, min(parts, high - low + 1))
    width = (high - low + 1) / parts
    bounds = [low + round(i * width) for i in range(parts)] + [high + 1]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(parts) if bounds[i] <= bounds[i + 1] - 1]


# -- reading one range ------------------------------------------------------------------


def _parse_csv(data: bytes, columns: list[str]) -> pa.Table:
    """PostgreSQL CSV (unquoted empty = NULL, "" = empty text) → all-string Arrow table.

    PostgreSQL quotes every value holding a line break, so a chunk without a `"` has
    none, and its lines are parsed in parallel blocks (1M transactions: 0.65 s → 0.47 s).
    """
    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=columns, autogenerate_column_names=False),
        parse_options=pacsv.ParseOptions(newlines_in_values=b'"' in data),
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in columns}, strings_can_be_null=True,
            quoted_strings_can_be_null=False, null_values=[""]),
    )


# Types whose COPY text is exactly their `::text` (the same output function, no other
# rule): read as they are, the server skips a cast per value (5M transactions: 3.8 s →
# 2.9 s to produce the CSV on one connection). Any other type keeps the cast: `boolean`
# copies as t/f but casts to true/false, `character(n)` loses its padding in a cast.
_COPIED_AS_TEXT = frozenset({
    "smallint", "integer", "bigint", "numeric", "text", "character varying", "date",
    "timestamp without time zone", "timestamp with time zone",
})


def select_list(cur: Any, table: str, columns: list[str]) -> str:
    """`columns` of `core_banking.<table>` as text: cast on the server where COPY's own
    text would differ (`_COPIED_AS_TEXT`), else as stored."""
    cur.execute(
        "select a.attname::text, format_type(a.atttypid, null) from pg_attribute a "
        "where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped",
        (f"{SCHEMA}.{table}",))
    types = {name: kind for name, kind in cur.fetchall()}
    return ", ".join(c if types.get(c) in _COPIED_AS_TEXT else f"{c}::text as {c}"
                     for c in columns)


def _read_range(dsn: str, snapshot: str, spec: TableSpec, columns: list[str], select: str,
                window: Window, key_range: tuple[Any, Any], target: Path, chunk_rows: int,
                before_copy: Callable[[int, Any], None] | None, index: int) -> int:
    """Stream one key range with one COPY into one Parquet file, `chunk_rows` rows at a time.

    No ORDER BY: nothing downstream needs the rows in key order (the bookmark comes from
    the window fixed beforehand), and sorting millions of rows on the server cost more
    than the read itself (5M transactions: 7.5 s sorted, 4.2 s unsorted, one connection).
    PostgreSQL sends one CopyData message per row, so a buffer is cut between rows.
    """
    import psycopg

    table = f"{SCHEMA}.{spec.table}"
    schema = pa.schema([(c, pa.string()) for c in columns])
    where, params = window.where, list(window.params)
    if key_range[0] is not None:
        where += f" and {spec.key} >= %s and {spec.key} <= %s"
        params += [key_range[0], key_range[1]]
    query = f"copy (select {select} from {table} as t where {where}) to stdout (format csv)"
    rows = 0
    with psycopg.connect(dsn) as conn:
        conn.execute("begin isolation level repeatable read read only")
        conn.execute(f"set transaction snapshot '{snapshot}'")
        if before_copy is not None:
            before_copy(index, conn)
        with pq.ParquetWriter(target, schema, compression="snappy") as writer:

            def flush(buffer: bytearray) -> int:
                chunk = _parse_csv(bytes(buffer), columns)
                writer.write_table(chunk)
                return chunk.num_rows

            buffer, pending = bytearray(), 0
            with conn.cursor() as cur, cur.copy(query, params) as copy:
                for block in copy:
                    buffer += block
                    pending += 1
                    if pending >= chunk_rows:
                        rows += flush(buffer)
                        buffer, pending = bytearray(), 0
            if buffer:
                rows += flush(buffer)
        conn.rollback()
    return rows


# -- the extract ------------------------------------------------------------------------


def extract_table(
    dsn: str,
    contract: Contract,
    store: ObjectStore,
    ingest_date: date,
    run_id: str,
    work_dir: Path,
    partitions: int = 4,
    chunk_rows: int = CHUNK_ROWS,
    before_copy: Callable[[int, Any], None] | None = None,
) -> ExtractResult:
    """Extract what changed in one table since its bookmark and land it in RAW.

    `before_copy(range index, connection)` is a test hook called in each worker
    before its first COPY (e.g. to terminate that backend).
    """
    import psycopg

    spec = spec_for(contract.entity)
    checkpoints = Checkpoints(store)
    name = spec.dataset
    bookmark = checkpoints.recover(name, name)
    columns = list(dict.fromkeys(c.source for c in contract.columns))
    out_dir = work_dir / name
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("part-*.parquet"):
        stale.unlink()
    result = ExtractResult(spec.table, 0, 0, bookmark, bookmark)
    try:
        with psycopg.connect(dsn) as coordinator:
            coordinator.execute("begin isolation level repeatable read read only")
            exported = coordinator.execute("select pg_export_snapshot()").fetchone()
            snapshot = str(exported[0]) if exported else ""
            with coordinator.cursor() as cur:
                window = _window(cur, spec, bookmark, partitions if spec.numeric_key else 1)
                select = select_list(cur, spec.table, columns)
            if window is None:
                coordinator.rollback()
                return result
            targets = [out_dir / f"part-{i:05d}.parquet" for i in range(len(window.ranges))]
            with ThreadPoolExecutor(max_workers=len(window.ranges)) as pool:
                futures = [pool.submit(_read_range, dsn, snapshot, spec, columns, select,
                                       window, rng, targets[i], chunk_rows, before_copy, i)
                           for i, rng in enumerate(window.ranges)]
                counts = [f.result() for f in futures]
            coordinator.rollback()
    except psycopg.Error as exc:
        raise ExtractError(f"{name}: extract failed, nothing landed, bookmark unchanged: "
                           f"{str(exc).strip().splitlines()[0] if str(exc).strip() else exc}"
                           ) from exc
    parts = [(t, t.name) for t, n in zip(targets, counts, strict=True) if n]
    result.rows, result.partitions, result.parts = sum(counts), len(window.ranges), targets
    after = _bookmark_after(spec, window, [t for t, _ in parts], bookmark)
    checkpoints.set_pending(name, after, [sha256_file(p) for p, _ in parts], contract.raw.path,
                            ingest_date, run_id)
    report = land(store, name, parts, contract.raw.path, ingest_date, run_id,
                  check=checker_for(contract),
                  extra={"bookmark_from": bookmark, "bookmark_to": after, "rows": result.rows})
    checkpoints.put(name, after)
    checkpoints.clear_pending(name)
    result.bookmark_after, result.landing = after, report
    return result


def _bookmark_after(spec: TableSpec, window: Window, files: list[Path],
                    before: dict[str, Any] | None) -> dict[str, Any]:
    if spec.watermark is None:
        return {"full_extract": True}
    if spec.watermark == spec.key:
        return {spec.watermark: int(window.upper)}
    upper = str(window.upper)
    keys: list[Any] = []
    for path in files:
        data = pq.read_table(path, columns=[spec.watermark, spec.key])
        at_upper = data.filter(pa.compute.equal(data.column(spec.watermark), upper))
        found = at_upper.column(spec.key).to_pylist()
        keys.extend(int(k) if spec.numeric_key else k for k in found)
    if before and before.get(spec.watermark) == upper:
        keys.extend(before.get("keys_at_last", []))  # same boundary as last run: keep both sets
    return {spec.watermark: upper, "keys_at_last": sorted(set(keys))}


# -- Spark JDBC (the Glue job) -----------------------------------------------------------


def jdbc_query(spec: TableSpec, columns: list[str], bookmark: dict[str, Any] | None,
               upper: Any) -> str:
    """The subquery Spark JDBC reads for one extract (bounds inlined: JDBC has no params)."""
    select = ", ".join(f"{c}::text as {c}" for c in columns)
    key_cast = f", {spec.key} as _split_key" if spec.numeric_key else ""
    where = "true"
    if spec.watermark == spec.key:
        low = int(bookmark[spec.key]) if bookmark else None
        where = f"{spec.key} <= {int(upper)}" + (f" and {spec.key} > {low}" if low is not None
                                                  else "")
    elif spec.watermark is not None:
        hi = _sql_text(str(upper))
        where = f"{spec.watermark} <= {hi}::timestamp"
        if bookmark:
            lo = _sql_text(str(bookmark[spec.watermark]))
            taken = ", ".join(str(int(k)) for k in bookmark.get("keys_at_last", [])) or "null"
            where += (f" and {spec.watermark} >= {lo}::timestamp and not "
                      f"({spec.watermark} = {lo}::timestamp and {spec.key} in ({taken}))")
    return f"(select {select}{key_cast} from {SCHEMA}.{spec.table} where {where}) as extract"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def spark_extract(spark: Any, jdbc_url: str, properties: dict[str, str], contract: Contract,
                  bookmark: dict[str, Any] | None, partitions: int = 4) -> tuple[Any, Any]:
    """(DataFrame of the rows to extract or None, upper bound) through Spark JDBC.

    The upper bound is read first, so every JDBC partition reads the same window;
    numeric keys are split into `partitions` ranges read in parallel.
    """
    spec = spec_for(contract.entity)
    columns = list(dict.fromkeys(c.source for c in contract.columns))

    def read(**options: str) -> Any:
        reader = spark.read.format("jdbc").option("url", jdbc_url)
        for key, value in {**properties, **options}.items():
            reader = reader.option(key, value)
        return reader.load()

    table = f"{SCHEMA}.{spec.table}"
    upper = None
    if spec.watermark is not None:
        upper = read(query=f"select max({spec.watermark})::text as upper from {table}"
                     ).collect()[0]["upper"]
        if upper is None:
            return None, None
    query = jdbc_query(spec, columns, bookmark, upper)
    if not spec.numeric_key:
        return read(dbtable=query), upper
    limits = read(dbtable=f"(select min(_split_key) as lo, max(_split_key) as hi from {query}) "
                          "as bounds").collect()[0]
    if limits["lo"] is None:
        return None, upper
    frame = read(dbtable=query, partitionColumn="_split_key", lowerBound=str(limits["lo"]),
                 upperBound=str(int(limits["hi"]) + 1), numPartitions=str(partitions))
    return frame.drop("_split_key"), upper


def spark_extract_to_raw(spark: Any, jdbc_url: str, properties: dict[str, str],
                         contract: Contract, store: ObjectStore, raw_uri: str, ingest_date: date,
                         run_id: str, partitions: int = 4) -> ExtractResult:
    """The Glue job's extract: Spark JDBC → Parquet written in place → manifest → bookmark.

    `raw_uri` is the URI Spark writes RAW through (`s3://bucket` in Glue, `file://...`
    locally); `store` is the same RAW for small objects. Spark overwrites an unfinished
    delivery folder; the manifest, written after the pending bookmark, commits it.
    """
    from pyspark.sql import functions as F  # noqa: N812

    spec = spec_for(contract.entity)
    name = spec.dataset
    checkpoints = Checkpoints(store)
    ledger = Ledger(store, name)
    bookmark = checkpoints.recover(name, name)
    result = ExtractResult(spec.table, 0, partitions, bookmark, bookmark)
    frame, upper = spark_extract(spark, jdbc_url, properties, contract, bookmark, partitions)
    if frame is None:
        return result
    frame = frame.cache()
    rows = frame.count()
    if rows == 0:
        frame.unpersist()
        return result
    folder = free_run_folder(store, ledger, contract.raw.path, ingest_date, run_id)
    prefix = delivery_key(contract.raw.path, ingest_date, folder)
    frame.write.mode("overwrite").parquet(f"{raw_uri.rstrip('/')}/{prefix}")
    if spec.watermark is None:
        after: dict[str, Any] = {"full_extract": True}
    elif spec.watermark == spec.key:
        after = {spec.watermark: int(upper)}
    else:
        at_upper = frame.filter(F.col(spec.watermark) == F.lit(str(upper))).select(spec.key)
        keys = [int(r[0]) for r in at_upper.collect()]
        if bookmark and bookmark.get(spec.watermark) == str(upper):
            keys.extend(bookmark.get("keys_at_last", []))
        after = {spec.watermark: str(upper), "keys_at_last": sorted(set(keys))}
    frame.unpersist()
    written = describe_written(store, prefix)
    checkpoints.set_pending(name, after, [f.sha256 for f in written], contract.raw.path,
                            ingest_date, run_id)
    report = publish_written(store, name, prefix, written, ingest_date, folder,
                             extra={"bookmark_from": bookmark, "bookmark_to": after, "rows": rows})
    checkpoints.put(name, after)
    checkpoints.clear_pending(name)
    result.rows, result.bookmark_after, result.landing = rows, after, report
    return result
