"""Reference floor, PySpark: the same hand-written work as floor_duckdb.py, on local[2].

Same session settings as the pipeline's Spark engine (AQE on, few shuffle
partitions, the driver JVM's collector `LOCAL_JVM_OPTIONS`); every stage is written
as snappy Parquet so the timing includes the write, as the pipeline's does. Prints one
JSON line of stage timings.

    python bench/floor_pyspark.py --lake <lake root of a finished run> --out <scratch dir>
"""

from __future__ import annotations

import argparse
import glob
import json
import shutil
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    from c360.engine.spark_engine import LOCAL_JVM_OPTIONS, LOOPBACK_ONLY

    started = time.perf_counter()
    spark = (SparkSession.builder.master(f"local[{args.threads}]").appName("floor")
             .config("spark.ui.enabled", "false")
             .config(map=LOOPBACK_ONLY)
             .config("spark.sql.shuffle.partitions", str(max(2, args.threads)))
             .config("spark.sql.adaptive.enabled", "true")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.driver.extraJavaOptions", LOCAL_JVM_OPTIONS)
             .config("spark.driver.memory", "4g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    timings: dict[str, float] = {"session_start": round(time.perf_counter() - started, 3)}
    raw = args.lake / "raw"
    shutil.rmtree(args.out, ignore_errors=True)

    def stage(name: str, frame):  # type: ignore[no-untyped-def]
        begun = time.perf_counter()
        path = f"file://{args.out / name}"
        frame.write.mode("overwrite").parquet(path)
        timings[name] = round(time.perf_counter() - begun, 3)
        return spark.read.parquet(path)

    def parquet(path: str):  # type: ignore[no-untyped-def]
        return spark.read.option("recursiveFileLookup", "true").parquet(f"file://{raw / path}")

    newest = Window.partitionBy("key").orderBy(F.col("updated_at").desc())
    customers = stage("customers", parquet("core_banking/customers").select(
        F.col("customer_number").cast("bigint").alias("key"),
        F.col("customer_since").cast("date").alias("customer_since"),
        F.col("updated_at").cast("timestamp").alias("updated_at"),
    ).withColumn("rn", F.row_number().over(newest)).where("rn = 1 and key is not null")
        .withColumnRenamed("key", "customer_number").drop("rn"))
    accounts = stage("accounts", parquet("core_banking/accounts").select(
        F.col("account_id").cast("bigint").alias("key"),
        F.col("customer_number").cast("bigint").alias("customer_number"),
        F.lower("status").alias("status"), F.col("balance").cast("decimal(18,2)").alias("balance"),
        F.col("updated_at").cast("timestamp").alias("updated_at"),
    ).withColumn("rn", F.row_number().over(newest)).where("rn = 1 and key is not null")
        .withColumnRenamed("key", "account_id").drop("rn"))
    transactions = stage("transactions", parquet("core_banking/transactions").select(
        F.col("transaction_id").cast("bigint").alias("transaction_id"),
        F.col("account_id").cast("bigint").alias("account_id"),
        F.col("booked_at").cast("timestamp").alias("booked_at"),
        F.col("amount").cast("decimal(18,2)").alias("amount"),
        F.lower("direction").alias("direction"), F.lower("category").alias("category"),
    ).where("transaction_id is not null and amount is not null")
        .dropDuplicates(["transaction_id"]))
    files = sorted(glob.glob(f"{raw}/clickstream/events/**/*.jsonl.gz", recursive=True))
    schema = ("event_id string, event_time string, received_at string, device_id string, "
              "session_id string, channel string, event_type string, product_type string, "
              "user_agent string, login_customer_number string")
    first = Window.partitionBy("event_id").orderBy("received_at")
    events = stage("events", spark.read.schema(schema).json([f"file://{f}" for f in files])
                   .select("event_id", F.col("event_time").cast("timestamp").alias("event_time"),
                           F.col("received_at").cast("timestamp").alias("received_at"),
                           "device_id", "session_id", F.lower("channel").alias("channel"),
                           F.lower("event_type").alias("event_type"), "product_type",
                           "user_agent", F.col("login_customer_number").cast("bigint")
                           .alias("login_customer_number"))
                   .where("event_id is not null and event_time is not null")
                   .withColumn("rn", F.row_number().over(first)).where("rn = 1").drop("rn"))
    monthly = stage("transactions_monthly", transactions.join(accounts, "account_id").groupBy(
        "customer_number", F.trunc("booked_at", "month").alias("month"),
        F.coalesce("category", F.lit("uncategorized")).alias("category"), "direction",
    ).agg(F.count("*").alias("transaction_count"),
          F.sum(F.abs("amount")).cast("decimal(18,2)").alias("total_amount")))
    owners = events.where("event_type = 'login'").groupBy("device_id").agg(
        F.max("login_customer_number").alias("customer_number"))
    sessions = stage("sessions", events.join(owners, "device_id").where(
        ~F.lower("user_agent").rlike("bot|crawler|spider|python-requests")
    ).groupBy("session_id", "customer_number").agg(
        F.min("event_time").alias("session_start"), F.max("event_time").alias("session_end"),
        F.count("*").alias("events"),
        F.sum(F.when(F.col("event_type") == "product_view", 1).otherwise(0))
        .alias("product_views")))
    window = F.col("month").between("2026-08-01", "2026-10-31")
    spend = monthly.groupBy("customer_number").agg(
        (F.sum(F.when(window & (F.col("direction") == "debit"), F.col("total_amount"))) / 3)
        .cast("decimal(18,2)").alias("avg_monthly_spend"),
        (F.sum(F.when(window & (F.col("direction") == "credit"), F.col("total_amount"))) / 3)
        .cast("decimal(18,2)").alias("avg_monthly_income"),
        (F.countDistinct(F.when((F.col("category") == "salary")
                                & F.col("month").between("2026-07-01", "2026-10-31"),
                                F.col("month"))) >= 3).alias("salary_detected"))
    digital = sessions.groupBy("customer_number").agg(F.count("*").alias("sessions"))
    stage("customer_summary", customers.join(spend, "customer_number", "left")
          .join(digital, "customer_number", "left")
          .select("customer_number", "customer_since", "avg_monthly_spend", "avg_monthly_income",
                  "salary_detected", F.coalesce("sessions", F.lit(0)).alias("sessions")))
    work = {k: v for k, v in timings.items() if k != "session_start"}
    print(json.dumps({"engine": "spark", "stages": timings,
                      "seconds": round(sum(work.values()), 3)}))
    spark.stop()


if __name__ == "__main__":
    main()
