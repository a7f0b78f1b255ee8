"""`make bench`: the daily pipeline on both engines, per-step timings, rows/s, peak memory.

For each size (customers) the synthetic sources are generated once (cached under
`bench/.data/`) and the simulated core-banking PostgreSQL is started and loaded once
(`c360.sources.postgres.simulated_core_banking`, not timed: it stands for the bank's
database, which exists before any run). The simulated CRM API is served the same way,
over HTTP on 127.0.0.1 from this process (`crm_api_served`): the pipeline pages through
it as it pages through the real CRM, and the API's own start (reading every customer
page) is the CRM's, not the pipeline's. Then for each engine the whole daily pipeline
(ingest from every source, conform, identity, dimensions, profile, sandbox) runs in a
fresh lake in a child process whose process tree (the Spark JVM included, the source
database not) is sampled for peak resident memory; its step times are split into
ingest (`raw_*` steps: sources → RAW) and processing (RAW → profile). That first run
trains the identity and segment models, which a daily run does not do (the weekly run
re-trains them), so a second, steady daily run follows on the first run's STAGE,
ANALYTICS and SANDBOX with RAW emptied (`steady_lake`): the models and registry are
stored, every source is ingested again in full, and the SQL the first run compiled
is kept (`SQL_CACHE`). Both are reported. The hourly
benchmark (`hourly_bench.py`: a 1% delta on a copy of the first run's lake) follows.
The reference floors (`floor_duckdb.py`, `floor_pyspark.py`) then
run over the same landed raw files, and each engine's time on the comparable steps
(conform of core-banking customers/accounts/transactions and clickstream events,
fct_transactions_monthly, fct_digital_sessions, dim_customer_transactions) is divided
by its floor's time.

Writes `bench/results/<engine>-<size>.json` per run and `bench/results/summary.md`.

    python bench/run_bench.py --sizes 10000 100000 [--engines duckdb spark] [--large]
        [--no-steady] [--no-hourly]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
DATA = BENCH / ".data"
LOGICAL_DATE = "2026-11-25"
SEED = 42
SQL_CACHE = DATA / "sql-cache"
"""The runs' compiled-SQL cache (`C360_SQL_CACHE_DIR`, `c360.sql_cache`): emptied before
each first run, which so compiles its SQL as a first run does; the steady and hourly
runs find it filled, as every later run of a deployment does."""
COMPARABLE = {
    "stg_core_banking_customers": "customers", "stg_core_banking_accounts": "accounts",
    "stg_core_banking_transactions": "transactions", "stg_clickstream_events": "events",
    "fct_transactions_monthly": "transactions_monthly", "fct_digital_sessions": "sessions",
    "dim_customer_transactions": "customer_summary",
}
"""The pipeline steps that do the floors' work, each with the floor stage doing it. An
engine's ratio compares the steps that engine ran with their stages: on the Spark engine
`dim_customer_transactions` runs on DuckDB, Athena's stand-in, so it and
`customer_summary` are left out of the Spark ratio (`step_figures`)."""


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1]) * 1024
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run `command`; return (seconds, peak tree RSS bytes, stdout). Fails loudly."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, **(env or {})})
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{err[-3000:]}")
    return seconds, peak, out


def sources_for(customers: int) -> Path:
    """The cached sources of `customers`, generated again when missing or when their
    manifest's parameters (seed, date, messiness) are not what `generate` uses now."""
    from datetime import date

    from c360.sources.generator import MANIFEST, manifest_parameters
    from c360.sources.messiness import Messiness

    folder = DATA / f"sources-{customers}"
    manifest = folder / MANIFEST
    wanted = manifest_parameters(customers, SEED, date.fromisoformat(LOGICAL_DATE), Messiness())
    cached = json.loads(manifest.read_text())["parameters"] if manifest.exists() else None
    if cached != wanted:
        print(f"generating {customers:,} customers …", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "c360.cli", "generate", "--customers",
                        str(customers), "--seed", str(SEED), "--out", str(folder),
                        "--logical-date", LOGICAL_DATE],
                       check=True, stdout=subprocess.DEVNULL)
    return folder


@contextmanager
def crm_api_served(sources: Path) -> Iterator[str]:
    """The simulated CRM API over the customer pages in `sources`, on 127.0.0.1; its URL."""
    from c360.sources.crm_api import CrmApi, CustomerStore, serve

    with serve(CrmApi(CustomerStore.from_pages(sources / "crm" / "customers"))) as server:
        yield server.url


def daily_run(engine: str, lake: Path, sources: Path, dsn: str
              ) -> tuple[float, int, list[dict[str, object]], dict[str, object]]:
    """One measured `c360 run --schedule daily` into `lake`: seconds, peak tree RSS,
    per-step figures and the identity step's model details."""
    with crm_api_served(sources) as crm_api_url:
        seconds, peak, _ = measured(
            [sys.executable, "-m", "c360.cli", "run", "--sources", str(sources),
             "--logical-date", LOGICAL_DATE, "--schedule", "daily"],
            env={"C360_ENGINE": engine, "C360_LAKE_ROOT": str(lake),
                 "C360_CORE_BANKING_DSN": dsn, "C360_CRM_API_URL": crm_api_url,
                 "C360_LOG_LEVEL": "WARNING", "C360_SQL_CACHE_DIR": str(SQL_CACHE)},
        )
    manifest = json.loads((lake / "_runs" / "latest.json").read_text())
    steps = [
        {"step": s["step"], "kind": s["kind"], "engine": s["engine"], "seconds": s["seconds"],
         "rows_in": s["rows_in"], "rows_out": s["rows_out"],
         "rows_per_second": round(max(s["rows_in"], s["rows_out"]) / s["seconds"])
         if s["seconds"] else None}
        for s in manifest["steps"]
    ]
    identity = next((s["details"].get("model", {}) for s in manifest["steps"]
                     if s["step"] == "int_customer_xref"), {})
    return seconds, peak, steps, identity


def steady_lake(first: Path, target: Path) -> None:
    """The lake as the next daily run finds it, made from the first run's lake.

    Every STAGE, ANALYTICS and SANDBOX table the first run wrote is kept: the identity
    model and registry the weekly run keeps (`int_identity_model`, `int_customer_xref`),
    the look-alike segment model (`int_segment_model`), the profile snapshots and their
    history. RAW is left empty (ledgers and extract bookmarks included), so every source
    is ingested again in full: a next day's daily run lands only that day's deliveries,
    so this over-states its ingest, never under-states it.
    """
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for layer in ("stage", "analytics", "sandbox"):
        shutil.copytree(first / layer, target / layer)


def step_figures(steps: list[dict[str, object]], floor: dict[str, object], engine: str
                 ) -> dict[str, object]:
    """Totals of one run's steps: ingest (`raw_*`), processing, comparable steps, ratio.

    The comparable steps are those of `COMPARABLE` that `engine` ran (a step recorded
    before the manifest named its engine ran on the run's engine); the floor time they
    are divided by is the sum of the same stages of `floor`.
    """
    total = sum(float(s["seconds"]) for s in steps)  # type: ignore[arg-type]
    ingest = sum(float(s["seconds"]) for s in steps  # type: ignore[arg-type]
                 if str(s["step"]).startswith("raw_"))
    compared = [s for s in steps
                if s["step"] in COMPARABLE and s.get("engine", engine) == engine]
    comparable = round(sum(float(s["seconds"]) for s in compared), 3)  # type: ignore[arg-type]
    stages = floor["stages"]
    assert isinstance(stages, dict)
    floor_seconds = round(sum(float(stages[COMPARABLE[str(s["step"])]]) for s in compared), 3)
    return {
        "steps_seconds": round(total, 2), "ingest_seconds": round(ingest, 2),
        "processing_seconds": round(total - ingest, 2), "comparable_seconds": comparable,
        "comparable_steps": [s["step"] for s in compared],
        "floor_compared_seconds": floor_seconds,
        "ratio_to_floor": round(comparable / floor_seconds, 2) if floor_seconds else None,
    }


def run_engine(engine: str, customers: int, sources: Path, dsn: str, steady_run: bool = True
               ) -> dict[str, object]:
    """The first daily run (empty lake), its floor, then (unless told not to) the steady
    daily run."""
    lake = DATA / f"lake-{engine}-{customers}"
    subprocess.run(["rm", "-rf", str(lake), str(SQL_CACHE)], check=True)
    print(f"{engine} pipeline at {customers:,} customers (first run, empty lake) …", flush=True)
    seconds, peak, steps, identity = daily_run(engine, lake, sources, dsn)
    floor_script = "floor_duckdb.py" if engine == "duckdb" else "floor_pyspark.py"
    print(f"{engine} floor …", flush=True)
    floor_seconds, floor_peak, floor_out = measured(
        [sys.executable, str(BENCH / floor_script), "--lake", str(lake),
         "--out", str(DATA / f"floor-{engine}-{customers}")])
    floor = json.loads(floor_out.strip().splitlines()[-1])
    raw_rows = sum(s["rows_in"] for s in steps if str(s["step"]).startswith("stg_"))
    result = {
        "engine": engine, "customers": customers, "logical_date": LOGICAL_DATE,
        "wall_seconds": round(seconds, 2),
        **step_figures(steps, floor, engine),
        "peak_rss_mib": round(peak / 2**20), "raw_rows": raw_rows,
        "rows_per_second": round(raw_rows / seconds),
        "floor": floor,
        "floor_wall_seconds": round(floor_seconds, 2),
        "floor_peak_rss_mib": round(floor_peak / 2**20),
        "identity_model": identity,
        "steps": steps,
    }
    if steady_run:
        steady = DATA / f"lake-{engine}-{customers}-steady"
        steady_lake(lake, steady)
        print(f"{engine} pipeline at {customers:,} customers (steady: models stored) …", flush=True)
        seconds, peak, steps, identity = daily_run(engine, steady, sources, dsn)
        shutil.rmtree(steady)  # as big as the first lake (9 GB at 1M); nothing reads it after
        result["steady"] = {
            "wall_seconds": round(seconds, 2), **step_figures(steps, floor, engine),
            "peak_rss_mib": round(peak / 2**20), "identity_model": identity, "steps": steps,
        }
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                         "load_average_at_end": os.getloadavg()}
    result["measured"] = measured_when()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{engine}-{customers}.json").write_text(json.dumps(result, indent=2))
    return result


# The targets (2 cores): daily wall at 100k, ratio to the floor, hourly share.
WALL_TARGET_100K = {"duckdb": 60.0, "spark": 180.0}
RATIO_TARGET = 1.5
HOURLY_TARGET = 0.15
MEMORY_TARGET_MIB = 24 * 1024


def measured_when() -> str:
    """`<UTC date and minute> <commit>` of a result, so a table mixing runs says which is which
    (runs on different days met different machine speeds)."""
    from datetime import UTC, datetime

    found = subprocess.run(["git", "-C", str(BENCH), "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, check=False)
    commit = found.stdout.strip() if found.returncode == 0 else "no commit"
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M} {commit}"


def runs_of(results: list[dict[str, object]]) -> list[dict[str, object]]:
    """Each result's first run and, when measured, its steady run, as flat rows; the step
    totals and ratio are recomputed from the recorded steps and floor stages
    (`step_figures`), so results written before a change of that rule read the same."""
    rows = []
    for r in results:
        floor, engine = r["floor"], str(r["engine"])
        assert isinstance(floor, dict)
        for run, figures in (("first run", r), ("steady", r.get("steady"))):
            if isinstance(figures, dict):
                steps = figures["steps"]
                assert isinstance(steps, list)
                rows.append({**r, **figures, **step_figures(steps, floor, engine), "run": run})
    return rows


def targets(results: list[dict[str, object]], hourly: list[dict[str, object]]) -> list[str]:
    """One line per target and run: measured figure, target, met or not."""
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    lines = []
    rows = runs_of(results)
    for r in rows:
        name = f"{r['engine']} {r['customers']:,} ({r['run']})"
        limit = WALL_TARGET_100K.get(str(r["engine"]))
        if r["customers"] == 100_000 and limit is not None:
            wall = float(r["wall_seconds"])  # type: ignore[arg-type]
            lines.append(f"- {name}: daily pipeline {wall} s (target ≤ {limit:.0f} s): "
                         f"{verdict(wall <= limit)}")
        if r["customers"] == 1_000_000:
            peak = int(r["peak_rss_mib"])  # type: ignore[call-overload]
            lines.append(f"- {name}: peak memory {peak:,} MiB (target: completes within "
                         f"{MEMORY_TARGET_MIB:,} MiB): {verdict(peak <= MEMORY_TARGET_MIB)}")
            small = next((x for x in rows if x["engine"] == r["engine"]
                          and x["customers"] == 100_000 and x["run"] == r["run"]), None)
            if small:
                growth = float(r["wall_seconds"]) / float(small["wall_seconds"])  # type: ignore[arg-type]
                # The two results may come from different days: the floor's same stages,
                # measured beside each, show how much of the growth is the machine's.
                floor_growth = (float(r["floor_compared_seconds"])  # type: ignore[arg-type]
                                / float(small["floor_compared_seconds"]))  # type: ignore[arg-type]
                lines.append(f"- {name}: time x{growth:.1f} for x10 customers from 100,000 "
                             f"(target: no worse than linear, ≤ x10): {verdict(growth <= 10)} "
                             f"(the floor's same stages: x{floor_growth:.1f} between the "
                             "two runs)")
        comparable, floor_seconds = r.get("comparable_seconds"), r.get("floor_compared_seconds")
        if isinstance(comparable, float | int) and isinstance(floor_seconds, float | int) \
                and floor_seconds:
            # Judged unrounded: 1.5016 is over 1.5 though its two-decimal figure is not.
            ratio = comparable / floor_seconds
            lines.append(f"- {name}: ratio to floor {ratio:.3f} (target ≤ {RATIO_TARGET}): "
                         f"{verdict(ratio <= RATIO_TARGET)}")
    for h in hourly:
        for key, run in (("hourly_to_daily", "first run"), ("hourly_to_steady_daily", "steady")):
            if key in h:
                share = float(h[key])  # type: ignore[arg-type]
                lines.append(f"- {h['engine']} {h['customers']:,}: hourly / daily ({run}) "
                             f"{share:.1%} (target ≤ {HOURLY_TARGET:.0%}): "
                             f"{verdict(share <= HOURLY_TARGET)}")
    return lines


def summary(results: list[dict[str, object]]) -> str:
    lines = [
        "First run: an empty lake (trains the identity and segment models). Steady: the "
        "next daily run, on the first run's STAGE/ANALYTICS/SANDBOX (models stored), every "
        "source ingested again in full (`steady_lake`).",
        "",
        "| engine | customers | run | pipeline wall s | ingest s | processing s | raw rows "
        "| rows/s | peak RSS MiB | comparable steps s | floor (same stages) s "
        "| ratio to floor | measured (UTC, commit) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    rows = runs_of(results)
    for r in rows:
        rate = round(int(r["raw_rows"]) / float(r["wall_seconds"]))  # type: ignore[call-overload,arg-type]
        lines.append(
            f"| {r['engine']} | {r['customers']:,} | {r['run']} | {r['wall_seconds']} "
            f"| {r.get('ingest_seconds', '–')} | {r.get('processing_seconds', '–')} "
            f"| {r['raw_rows']:,} | {rate:,} | {r['peak_rss_mib']:,} "
            f"| {r['comparable_seconds']} | {r['floor_compared_seconds']} "
            f"| {r['ratio_to_floor']} | {r.get('measured', '–')} |"
        )
    top = ["", "Slowest steps per run (seconds):", ""]
    for r in rows:
        steps = sorted(r["steps"], key=lambda s: -s["seconds"])[:6]  # type: ignore[index]
        top.append(f"- {r['engine']} {r['customers']:,} ({r['run']}): " + ", ".join(
            f"{s['step']} {s['seconds']}" for s in steps))
    hourly = ["", "Hourly run with a delta (bench/hourly_bench.py):", ""]
    hourly_results = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("hourly-*.json"))]
    for h in hourly_results:
        steady = (f", steady daily {h['steady_daily_wall_seconds']} s = "
                  f"{h['hourly_to_steady_daily']:.0%}" if "hourly_to_steady_daily" in h else "")
        hourly.append(
            f"- {h['engine']} {h['customers']:,}: {h['delta_share']:.0%} delta "
            f"({h['crm_records_changed']} CRM records, {h['events_replayed']:,} events, "
            f"{h['customers_recomputed']:,} customers recomputed): hourly "
            f"{h['hourly_wall_seconds']} s vs first-run daily {h['daily_wall_seconds']} s "
            f"= {h['hourly_to_daily']:.0%}{steady}")
    goals = ["", "Targets (issue 8):", "", *targets(results, hourly_results)]
    return "\n".join(lines + top + (hourly if len(hourly) > 3 else []) + goals) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "spark"])
    parser.add_argument("--large", action="store_true", help="also run 1,000,000 customers")
    parser.add_argument("--no-hourly", action="store_true",
                        help="skip the hourly benchmark after each daily run")
    parser.add_argument("--no-steady", action="store_true",
                        help="skip the steady daily run after the first (long 1M runs)")
    parser.add_argument("--summary-only", action="store_true",
                        help="only rewrite summary.md from the results on disk")
    args = parser.parse_args()
    from hourly_bench import run_hourly

    from c360.sources.postgres import simulated_core_banking

    sizes = [] if args.summary_only else [*args.sizes, *([1_000_000] if args.large else [])]
    for customers in sizes:
        sources = sources_for(customers)
        print(f"starting the simulated core-banking database ({customers:,}) …", flush=True)
        with simulated_core_banking(sources) as dsn:
            for engine in args.engines:
                run_engine(engine, customers, sources, dsn, not args.no_steady)
                if not args.no_hourly:
                    print(f"{engine} hourly at {customers:,} customers …", flush=True)
                    run_hourly(engine, customers)
    # The table covers every result on disk, so runs of single sizes or engines add up.
    every = [json.loads(p.read_text()) for p in RESULTS.glob("*-*.json")
             if p.stem.split("-")[0] in ("duckdb", "spark")]
    every.sort(key=lambda r: (r["customers"], r["engine"]))
    (RESULTS / "summary.md").write_text(summary(every))
    print(summary(every))


if __name__ == "__main__":
    main()
