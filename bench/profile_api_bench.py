"""Profile API lookup latency against the embedded AWS emulator (moto on 127.0.0.1).

Loads `--profiles` synthetic profiles with the production loader, then answers
`--lookups` requests of each kind (by id, by email, by phone, unknown id)
through `c360.serving.api.handle`, the profile_api Lambda's whole logic, with a
DynamoDB client on the emulator. Reports p50/p99 per kind and the load rate.

What it measures is moto's DynamoDB plus the handler, on loopback: a regression
guard for the serving code path, not a prediction of AWS latency.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from c360.serving.api import handle
from c360.serving.keys import table_definition
from c360.serving.loader import load_profiles
from c360.serving.local import embedded_dynamodb

TABLE = "bench-profiles"


def synthetic_profiles(n: int, seed: int) -> list[dict[str, Any]]:
    """Profiles shaped like c360_customer_profile (40 columns of mixed types)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row: dict[str, Any] = {
            "customer_id": f"C{i:015X}", "first_name": f"First{i}", "last_name": f"Last{i}",
            "email": f"person{i}@example.com", "phone": f"+1 415 {rng.randint(200, 999)} {i:04d}",
            "birth_date": f"19{rng.randint(40, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "snapshot_date": "2026-11-25",
        }
        for c in range(15):
            row[f"metric_{c}"] = Decimal(f"{rng.randint(0, 10**7)}.{rng.randint(0, 99):02d}")
        for c in range(15):
            row[f"label_{c}"] = rng.choice(["low", "medium", "high", None])
        rows.append(row)
    return rows


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def event(path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    return {"version": "2.0", "rawPath": path, "queryStringParameters": query,
            "requestContext": {"http": {"method": "GET"}}}


def run(profiles: int, lookups: int, seed: int) -> dict[str, Any]:
    rows = synthetic_profiles(profiles, seed)
    rng = random.Random(seed + 1)
    results: dict[str, Any] = {}
    with embedded_dynamodb() as (endpoint, client):
        client.create_table(**table_definition(TABLE))
        started = time.perf_counter()
        report = load_profiles(TABLE, rows, client)
        load_seconds = time.perf_counter() - started
        kinds = {
            "by_id": lambda r: event(f"/customers/{r['customer_id']}"),
            "by_email": lambda r: event("/customers", {"email": r["email"].upper()}),
            "by_phone": lambda r: event("/customers", {"phone": r["phone"]}),
            "unknown_id": lambda r: event(f"/customers/X{r['customer_id']}"),
        }
        expected = {"by_id": 200, "by_email": 200, "by_phone": 200, "unknown_id": 404}
        for kind, make in kinds.items():
            timings = []
            for _ in range(lookups):
                request = make(rng.choice(rows))
                t0 = time.perf_counter()
                answer = handle(request, client, TABLE)
                timings.append((time.perf_counter() - t0) * 1000)
                if answer["statusCode"] != expected[kind]:
                    raise RuntimeError(f"{kind}: unexpected {answer['statusCode']}: {answer}")
            results[kind] = {"count": lookups, "p50_ms": round(percentile(timings, 50), 2),
                             "p99_ms": round(percentile(timings, 99), 2),
                             "mean_ms": round(statistics.fmean(timings), 2)}
    import moto

    return {
        "benchmark": "profile_api_lookup",
        "emulator": f"moto {moto.__version__} (in-process server, {endpoint.split('//')[1]})",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(), "machine": platform.machine(),
        "profiles": profiles, "load_seconds": round(load_seconds, 2),
        "load_profiles_per_second": round(profiles / load_seconds, 1),
        "load_write_calls": report.write_calls,
        "lookups": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=500)
    parser.add_argument("--lookups", type=int, default=300, help="per kind (bounded)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/results/profile_api.json"))
    args = parser.parse_args()
    if not (1 <= args.profiles <= 20_000 and 1 <= args.lookups <= 5_000):
        parser.error("keep it bounded: --profiles 1..20000, --lookups 1..5000")
    result = run(args.profiles, args.lookups, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
