"""Bounded load test of the profile API over loopback: throughput and p99 under concurrency.

The profile_api Lambda handler (`lambdas/profile_api/handler.py`, as deployed) is
put behind a small HTTP server on 127.0.0.1 that turns each request into a
function-URL event; its DynamoDB is the embedded emulator (moto, 127.0.0.1),
loaded with the production loader. `--workers` threads with keep-alive
connections then send a fixed mix of lookups (by id, email, phone, unknown id)
until `--requests` are answered or `--seconds` have passed, whichever is first.
Reports throughput (answered requests per second), p50/p95/p99 latency overall
and per kind, and every non-expected status. Reuses the synthetic profiles of
`profile_api_bench.py` (the latency benchmark).

What it measures is the handler + moto + HTTP on one machine: a regression guard
for the serving path under concurrency, not a prediction of AWS capacity.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import platform
import random
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from profile_api_bench import percentile, synthetic_profiles

from c360.serving.keys import table_definition
from c360.serving.loader import load_profiles
from c360.serving.local import embedded_dynamodb

TABLE = "bench-load-profiles"
REPO = Path(__file__).resolve().parents[1]
EXPECTED = {"by_id": 200, "by_email": 200, "by_phone": 200, "unknown_id": 404}
LIMITS = {"profiles": (1, 20_000), "requests": (1, 100_000), "workers": (1, 64),
          "seconds": (1, 600)}


def lambda_handler() -> Any:
    """The deployed handler module, imported from its file (it is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "profile_api_handler", REPO / "lambdas" / "profile_api" / "handler.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


class _Context:
    aws_request_id = "bench"
    function_name = "c360-profile-api"


def serve(handler: Any) -> ThreadingHTTPServer:
    """An HTTP front on 127.0.0.1 (free port) calling `handler` like a function URL does."""

    class Front(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            event = {"version": "2.0", "rawPath": url.path,
                     "queryStringParameters": dict(parse_qsl(url.query)) or None,
                     "requestContext": {"http": {"method": "GET"}}}
            answer = handler(event, _Context())
            body = answer["body"].encode()
            self.send_response(answer["statusCode"])
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:  # no line per request
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Front)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def requests_for(rows: list[dict[str, Any]], count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, path) of every request, an even mix of the four kinds, fixed by the seed."""
    rng = random.Random(seed)
    kinds = list(EXPECTED)
    out = []
    for i in range(count):
        row, kind = rng.choice(rows), kinds[i % len(kinds)]
        path = {"by_id": f"/customers/{row['customer_id']}",
                "by_email": f"/customers?email={row['email'].upper()}",
                "by_phone": "/customers?phone=" + row["phone"].replace(" ", "%20").replace(
                    "+", "%2B"),
                "unknown_id": f"/customers/X{row['customer_id']}"}[kind]
        out.append((kind, path))
    return out


def load(port: int, plan: list[tuple[str, str]], workers: int, seconds: float
         ) -> tuple[list[tuple[str, float, int]], float]:
    """Send `plan` with `workers` threads until done or `seconds` pass; (samples, elapsed)."""
    samples: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    cursor = iter(range(len(plan)))
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.perf_counter() < deadline:
                with lock:
                    index = next(cursor, None)
                if index is None:
                    return
                kind, path = plan[index]
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    status = 0
                with lock:
                    samples.append((kind, (time.perf_counter() - t0) * 1000, status))
        finally:
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, time.perf_counter() - started


def summary(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {}
    return {"p50_ms": round(percentile(latencies, 50), 2),
            "p95_ms": round(percentile(latencies, 95), 2),
            "p99_ms": round(percentile(latencies, 99), 2)}


def run(profiles: int, requests: int, workers: int, seconds: float, seed: int) -> dict[str, Any]:
    rows = synthetic_profiles(profiles, seed)
    with embedded_dynamodb() as (endpoint, client):
        client.create_table(**table_definition(TABLE))
        load_profiles(TABLE, rows, client)
        os.environ.update({"C360_PROFILES_TABLE": TABLE, "AWS_ENDPOINT_URL": endpoint,
                           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench",
                           "AWS_SECRET_ACCESS_KEY": "bench"})
        server = serve(lambda_handler())
        try:
            samples, elapsed = load(server.server_address[1], requests_for(rows, requests, seed),
                                    workers, seconds)
        finally:
            server.shutdown()
    unexpected = Counter(f"{kind}:{status}" for kind, _, status in samples
                         if status != EXPECTED[kind])
    return {
        "benchmark": "profile_api_load",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(), "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "setup": {"profiles": profiles, "requests_planned": requests, "workers": workers,
                  "max_seconds": seconds, "transport": "HTTP/1.1 keep-alive on 127.0.0.1",
                  "handler": "lambdas/profile_api/handler.py", "dynamodb": "moto (127.0.0.1)"},
        "requests_answered": len(samples),
        "elapsed_seconds": round(elapsed, 2),
        "throughput_rps": round(len(samples) / elapsed, 1) if elapsed else 0.0,
        "latency": summary([ms for _, ms, _ in samples]),
        "by_kind": {kind: {"count": sum(1 for k, _, _ in samples if k == kind),
                           **summary([ms for k, ms, _ in samples if k == kind])}
                    for kind in EXPECTED},
        "unexpected_statuses": dict(unexpected),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=500)
    parser.add_argument("--requests", type=int, default=2_000, help="fixed count (bounded)")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120, help="hard stop (bounded)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("bench/results/profile_api_load.json"))
    args = parser.parse_args()
    for name, (low, high) in LIMITS.items():
        if not low <= getattr(args, name) <= high:
            parser.error(f"keep it bounded: --{name} {low}..{high}")
    result = run(args.profiles, args.requests, args.workers, args.seconds, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written to {args.out}")
    if result["unexpected_statuses"]:
        sys.exit(f"unexpected statuses: {result['unexpected_statuses']}")


if __name__ == "__main__":
    main()
