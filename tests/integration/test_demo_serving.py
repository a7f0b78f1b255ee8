"""What `c360 demo` ends with: profiles of the local lake served from the embedded emulator."""

from __future__ import annotations

import json
import socket
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from c360.serving.local import serve_one_profile

pytestmark = [pytest.mark.emulator]


def write_snapshot(lake: Path, snapshot: str, customers: list[str]) -> None:
    folder = lake / "analytics" / "c360_customer_profile" / f"snapshot_date={snapshot}"
    folder.mkdir(parents=True)
    rows = [{"customer_id": c, "first_name": f"N{i}", "email": f"n{i}@example.com",
             "deposit_balance": Decimal(f"{i}.50")} for i, c in enumerate(customers)]
    pq.write_table(pa.Table.from_pylist(rows), folder / "data_0.parquet")


def test_demo_serves_the_chosen_customer_from_the_latest_snapshot(tmp_path: Path) -> None:
    write_snapshot(tmp_path, "2026-11-24", ["C000000000000001"])
    write_snapshot(tmp_path, "2026-11-25", [f"C{i:015d}" for i in range(1, 8)])

    served = serve_one_profile(tmp_path, "C000000000000007", limit=3)

    assert (served.status, served.snapshot_profiles, served.load.profiles) == (200, 7, 3)
    assert json.loads(served.body) == {"customer_id": "C000000000000007", "first_name": "N6",
                                       "email": "n6@example.com", "deposit_balance": 6.5,
                                       "snapshot_date": "2026-11-25"}
    host, port = served.endpoint.removeprefix("http://").split(":")
    assert host == "127.0.0.1"
    with socket.socket() as probe:  # the in-process server is stopped again
        assert probe.connect_ex((host, int(port))) != 0
