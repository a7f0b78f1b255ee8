"""Measure the two core-banking extract paths on one machine: psycopg COPY → Arrow vs Spark JDBC.

    python -m c360.ingest.benchmark --rows 1000000 --partitions 2 [--spark]

Starts a throwaway PostgreSQL (`LocalPostgres`), books `--rows` transactions on
one account (`generate_series`, so loading is not what is measured), then times a
full extract of `core_banking.transactions` into a fresh RAW folder — read,
Parquet written, landed with manifest and bookmark — with each path. Spark's
session start is timed apart from its extract. Prints one line per measurement.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from c360.contracts import load_contracts
from c360.ingest.core_banking import extract_table, spark_extract_to_raw
from c360.ingest.store import LocalStore
from c360.sources.postgres import LocalPostgres, create_schema

JDBC_JAR = "/usr/share/java/postgresql.jar"
DAY = date(2026, 11, 25)


def _fill(dsn: str, rows: int) -> None:
    import psycopg

    create_schema(dsn)
    with psycopg.connect(dsn) as conn:
        conn.execute("insert into core_banking.products values "
                     "('CHK-BASIC', 'Everyday Checking', 'checking', 0)")
        conn.execute("insert into core_banking.customers (customer_number, first_name) "
                     "values (1000001, 'Bench')")
        conn.execute("insert into core_banking.accounts (account_id, customer_number, "
                     "product_code, status, balance) values (50000001, 1000001, 'CHK-BASIC', "
                     "'open', 0)")
        conn.execute(f"""
            insert into core_banking.transactions (transaction_id, account_id, booked_at, amount,
                direction, category, merchant, channel, description)
            select g, 50000001, timestamp '2025-11-25' + g * interval '7 seconds',
                   case when g % 5 = 0 then 1500.00 else -((g % 9000) / 100.0 + 1) end,
                   case when g % 5 = 0 then 'credit' else 'debit' end,
                   'groceries', 'FRESHMART', 'card', 'POS PURCHASE FRESHMART'
            from generate_series(1, {int(rows)}) g""")
        conn.execute("analyze")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=2)
    parser.add_argument("--spark", action="store_true", help="also measure Spark JDBC")
    args = parser.parse_args(argv)
    contract = load_contracts()["core_banking_transactions"]
    with LocalPostgres() as pg, tempfile.TemporaryDirectory() as tmp:
        _fill(pg.dsn, args.rows)
        raw = Path(tmp) / "copy"
        started = time.perf_counter()
        result = extract_table(pg.dsn, contract, LocalStore(raw), DAY, "bench", Path(tmp) / "w",
                               partitions=args.partitions)
        seconds = time.perf_counter() - started
        print(f"psycopg COPY -> Arrow -> Parquet: {result.rows:,} rows, {args.partitions} "
              f"ranges, {seconds:.2f} s ({seconds / result.rows * 100_000:.2f} s per 100k rows)")
        if not args.spark:
            return
        from pyspark.sql import SparkSession

        from c360.engine.spark_engine import LOOPBACK_ONLY

        started = time.perf_counter()
        spark = (SparkSession.builder.master(f"local[{args.partitions}]")
                 .config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false")
                 .config(map=LOOPBACK_ONLY)
                 .config("spark.jars", JDBC_JAR)
                 .config("spark.sql.shuffle.partitions", str(args.partitions)).getOrCreate())
        spark.range(1).count()
        print(f"Spark session start (local[{args.partitions}]): "
              f"{time.perf_counter() - started:.2f} s")
        try:
            raw = Path(tmp) / "spark"
            props = {"user": pg.user, "password": pg.password, "driver": "org.postgresql.Driver"}
            started = time.perf_counter()
            result = spark_extract_to_raw(spark, pg.jdbc_url, props, contract, LocalStore(raw),
                                          f"file://{raw}", DAY, "bench", args.partitions)
            seconds = time.perf_counter() - started
            print(f"Spark JDBC -> Parquet: {result.rows:,} rows, {args.partitions} partitions, "
                  f"{seconds:.2f} s ({seconds / result.rows * 100_000:.2f} s per 100k rows)")
        finally:
            spark.stop()


if __name__ == "__main__":
    main()
