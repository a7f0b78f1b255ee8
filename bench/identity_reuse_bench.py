"""Identity with a trained model vs a stored one: what a daily run saves by not training.

Takes `int_person_records` from a lake `make bench` built (`bench/.data/lake-<engine>-<size>`),
copies it into a scratch lake and runs the identity step on it: as a weekly run (trains
the Splink model and keeps it in `int_identity_model`; this first run also warms the
engine up), as the next day's daily run (scores with the stored model) and as a weekly
run again (trains, on a warm engine: the figure to compare with the daily one). Prints
and writes the seconds of each, Splink's share, and the id stability (every record
should keep its id).

    python bench/identity_reuse_bench.py --engine spark --customers 100000

Writes `bench/results/identity-reuse-<engine>-<customers>.json`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from c360.identity.resolve import resolve_identity
from c360.identity.settings import load_identity_settings
from c360.lake import Lake

BENCH = Path(__file__).resolve().parent
WEEKLY, DAILY, NEXT = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    source = BENCH / ".data" / f"lake-{args.engine}-{args.customers}" / "stage"
    records = source / "int_person_records"
    if not records.is_dir():
        raise SystemExit(f"{records} is missing: run `python bench/run_bench.py --sizes "
                         f"{args.customers} --engines {args.engine}` first")
    scratch = Path(tempfile.mkdtemp(prefix="c360-identity-reuse-"))
    try:
        shutil.copytree(records, scratch / "stage" / "int_person_records")
        lake = Lake.local(scratch)
        if args.engine == "spark":
            from c360.engine.spark_engine import SparkEngine
            engine = SparkEngine(lake)
        else:
            from c360.engine.duckdb_engine import DuckDBEngine
            engine = DuckDBEngine(lake)  # type: ignore[assignment]
        settings = load_identity_settings()
        runs = []
        for run_id, day, retrain in ((f"weekly-{WEEKLY}", WEEKLY, True),
                                     (f"daily-{DAILY}", DAILY, False),
                                     (f"weekly-{NEXT}", NEXT, True)):
            print(f"identity {run_id} on {args.engine} …", flush=True)
            started = time.perf_counter()
            result = resolve_identity(engine, settings, run_id, day, retrain=retrain)
            runs.append({
                "run_id": run_id,
                "seconds": round(time.perf_counter() - started, 2),
                "model": result.details["model"],
                "linkage_seconds": result.details["linkage"]["seconds"],
                "id_stability": result.details["registry"]["id_stability"],
                "records": result.rows_in,
            })
        engine.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    out = {"engine": args.engine, "customers": args.customers, "runs": runs,
           "note": "the first run also starts the engine (Spark: JVM, first queries); "
                   "compare the daily run with the second weekly one"}
    (BENCH / "results").mkdir(exist_ok=True)
    path = BENCH / "results" / f"identity-reuse-{args.engine}-{args.customers}.json"
    path.write_text(json.dumps(out, indent=2))
    for run in runs:
        print(f"{run['run_id']}: {run['seconds']} s, model {run['model']['used']}, "
              f"probabilistic {run['linkage_seconds']['probabilistic']} s, "
              f"id stability {run['id_stability']}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
