"""Hourly run with a 1% delta vs the daily run: does the hourly schedule stay incremental?

Takes the lake of a finished daily benchmark run (`bench/.data/lake-<engine>-<n>`),
copies it, and prepares an hourly delivery: 1% of the CRM records changed after the
last fetch (a new last API page) and a new clickstream hour holding 1% of the day's
events replayed with new ids. Then `c360 run --schedule hourly` runs on the copy,
paging through the simulated CRM API served over HTTP (`run_bench.crm_api_served`);
the result (hourly seconds, daily seconds, ratio, customers recomputed) goes to
`bench/results/hourly-<engine>-<n>.json`.

    python bench/hourly_bench.py --customers 10000 [--engine duckdb]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
from pathlib import Path

from run_bench import DATA, LOGICAL_DATE, RESULTS, SQL_CACHE, crm_api_served, measured


def crm_delta(sources: Path, target: Path, share: float) -> int:
    """Copy the CRM pages and append a page of `share` of the records, changed at 10:00."""
    shutil.copytree(sources / "crm", target / "crm")
    pages = sorted((target / "crm" / "customers").glob("page-*.json"))
    records = [r for page in pages for r in json.loads(page.read_text())["data"]]
    changed = records[:: max(1, round(1 / share))]
    for record in changed:
        consent = dict(record.get("marketing_consent") or {})
        consent["email"] = not consent.get("email", False)
        record["marketing_consent"] = consent
        record["consent_updated_at"] = f"{LOGICAL_DATE}T10:00:00Z"
        record["updated_at"] = f"{LOGICAL_DATE}T10:00:00Z"
    body = {"data": changed, "page": 99999, "page_size": len(changed), "total": len(changed),
            "next_cursor": None}
    (target / "crm" / "customers" / "page-99999.json").write_text(json.dumps(body))
    return len(changed)


def clickstream_delta(sources: Path, target: Path, share: float) -> int:
    """One new hour of events: every 1/share-th delivered line of the day, replayed with a
    new id (a line the collector cut off mid-write is not an event: skipped)."""
    files = sorted((sources / "clickstream").rglob("*.jsonl.gz"))
    replayed: list[str] = []
    step = max(1, round(1 / share))
    index = 0
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                index += 1
                if index % step:
                    continue
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue
                event["event_id"] = f"replay-{index:012d}"
                event["event_time"] = f"{LOGICAL_DATE}T10:{index % 60:02d}:00Z"
                event["received_at"] = f"{LOGICAL_DATE}T10:{index % 60:02d}:30Z"
                replayed.append(json.dumps(event))
    folder = target / "clickstream" / "events" / f"dt={LOGICAL_DATE}" / "hour=10"
    folder.mkdir(parents=True)
    with gzip.open(folder / "web-0000.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(replayed) + "\n")
    return len(replayed)


def run_hourly(engine: str, customers: int, share: float = 0.01) -> dict[str, object]:
    """Hourly run with a `share` delta on a copy of the daily benchmark's lake."""
    daily_lake = DATA / f"lake-{engine}-{customers}"
    daily = json.loads((RESULTS / f"{engine}-{customers}.json").read_text())
    work = DATA / f"hourly-{engine}-{customers}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(daily_lake, work / "lake", symlinks=True)
    sources = DATA / f"sources-{customers}"
    crm = crm_delta(sources, work / "sources", share)
    events = clickstream_delta(sources, work / "sources", share)
    with crm_api_served(work / "sources") as crm_api_url:
        seconds, peak, _ = measured(
            [sys.executable, "-m", "c360.cli", "run", "--schedule", "hourly", "--sources",
             str(work / "sources"), "--logical-date", LOGICAL_DATE],
            env={"C360_ENGINE": engine, "C360_LAKE_ROOT": str(work / "lake"),
                 "C360_CRM_API_URL": crm_api_url, "C360_LOG_LEVEL": "WARNING",
                 "C360_SQL_CACHE_DIR": str(SQL_CACHE)},
        )
    manifest = json.loads((work / "lake" / "_runs" / "latest.json").read_text())
    recomputed = next((s["details"].get("customers_recomputed") for s in manifest["steps"]
                       if s["step"] == "dim_customer_marketing"), None)
    result = {
        "engine": engine, "customers": customers, "delta_share": share,
        "crm_records_changed": crm, "events_replayed": events,
        "hourly_wall_seconds": round(seconds, 2),
        "daily_wall_seconds": daily["wall_seconds"],
        "hourly_to_daily": round(seconds / daily["wall_seconds"], 3),
        **({"steady_daily_wall_seconds": daily["steady"]["wall_seconds"],
            "hourly_to_steady_daily": round(seconds / daily["steady"]["wall_seconds"], 3)}
           if "steady" in daily else {}),
        "customers_recomputed": recomputed, "peak_rss_mib": round(peak / 2**20),
        "steps": [{"step": s["step"], "seconds": s["seconds"], "rows_out": s["rows_out"]}
                  for s in manifest["steps"]],
    }
    (RESULTS / f"hourly-{engine}-{customers}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "steps"}), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--share", type=float, default=0.01)
    args = parser.parse_args()
    run_hourly(args.engine, args.customers, args.share)


if __name__ == "__main__":
    main()
