"""Serve profiles from the embedded AWS emulator: what `c360 demo` ends with.

Starts moto's server in this process on 127.0.0.1 and a free port, creates the
profiles table, loads the latest `c360_customer_profile` snapshot of the local
lake with the production loader, answers one `GET /customers/{id}` through the
profile API, and stops the server. moto comes with the `dev` extra.

moto writes a ~90-attribute profile item in about 10 ms (DynamoDB itself takes
a fraction of that), so the demo loads a bounded sample that always holds the
customer it serves; `bench/profile_api_bench.py` measures the emulator.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from c360.serving.api import handle
from c360.serving.keys import table_definition
from c360.serving.loader import LoadReport, load_profiles
from c360.serving.source import read_profiles

TABLE = "c360-local-profiles"
REGION = "us-east-1"
DEMO_PROFILES = 500


@dataclass(frozen=True)
class DemoServing:
    endpoint: str
    snapshot_profiles: int
    load: LoadReport
    load_seconds: float
    status: int
    body: str


@contextmanager
def embedded_dynamodb() -> Iterator[tuple[str, Any]]:
    """(endpoint, DynamoDB client) of an in-process moto server, stopped on exit."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise RuntimeError("the embedded AWS emulator needs moto: pip install 'c360[dev]'"
                           ) from None
    import boto3

    requests_log = logging.getLogger("werkzeug")
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)  # no line per request on the console
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION,
                              aws_access_key_id="local", aws_secret_access_key="local")
        yield endpoint, client
    finally:
        server.stop()
        requests_log.setLevel(level)


def serve_one_profile(lake_root: Path, customer_id: str, limit: int = DEMO_PROFILES
                      ) -> DemoServing:
    """Load up to `limit` of the lake's latest profiles (always `customer_id`'s) into the
    emulator, then GET that customer through the profile API."""
    location = str(lake_root.resolve() / "analytics" / "c360_customer_profile")
    rows = list(read_profiles(location))
    chosen = [r for r in rows if r["customer_id"] == customer_id]
    chosen += itertools.islice((r for r in rows if r["customer_id"] != customer_id),
                               max(0, limit - len(chosen)))
    with embedded_dynamodb() as (endpoint, client):
        client.create_table(**table_definition(TABLE))
        started = time.perf_counter()
        report = load_profiles(TABLE, chosen, client)
        seconds = time.perf_counter() - started
        event = {"version": "2.0", "rawPath": f"/customers/{customer_id}",
                 "requestContext": {"http": {"method": "GET"}}}
        answer = handle(event, client, TABLE)
    return DemoServing(endpoint, len(rows), report, seconds, answer["statusCode"],
                       answer["body"])
