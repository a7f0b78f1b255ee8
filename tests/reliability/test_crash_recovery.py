"""A run killed at any point and rerun for the same logical date ends as a clean run did.

One lake goes through a chain of attempts of `c360 run` (subprocesses), each
killed with SIGKILL at a later point than the one before; a final attempt runs to
the end. Its outputs must equal, row for row, the outputs of the demo's clean run
over the same sources: every table of STAGE, ANALYTICS and SANDBOX by an
order-insensitive content hash, every RAW file by its sha256.

Kill points (every boundary of the 37 steps would take over half an hour, as each
attempt starts over; these six cover each kind of write in about three minutes):
1. step boundary after `raw_crm_customers` (first delivery landed, checkpoint moved);
2. mid-step, from outside: SIGKILL 0.3 s after `raw_clickstream_events` logged its
   start (deliveries being written);
3. mid-step inside `stg_crm_customers`' first write: data staged, not committed;
4. step boundary after `int_customer_xref` (the identity registry written);
5. inside the partitioned write of `c360_customer_profile` (snapshot partition);
6. after every step, before the run manifest.
(`crash_driver.py` also kills right after a step's first write — `stg_*` committed,
`quarantine_*` not — for manual runs.)
Every killed attempt leaves its run lock behind (a dead pid): each next attempt
must recover it.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DAY1, REPO, Demo, c360, cli_env
from lakehash import lake_digest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo-lake")]

DRIVER = Path(__file__).with_name("crash_driver.py")
POINTS = ("after:raw_crm_customers", "external:raw_clickstream_events",
          "in-write:stg_crm_customers", "after:int_customer_xref",
          "in-write:c360_customer_profile", "before-manifest")


def _killed_run(point: str, lake: Path, sources: Path) -> int:
    """One attempt of `c360 run`, SIGKILLed at `point`; its exit status."""
    args = ["run", "--sources", str(sources), "--logical-date", DAY1.isoformat()]
    env = cli_env(lake)
    if not point.startswith("external:"):
        done = subprocess.run([sys.executable, str(DRIVER), "--point", point, "--", *args],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
                              check=False)
        return done.returncode
    step = point.partition(":")[2]
    proc = subprocess.Popen([sys.executable, "-m", "c360.cli", *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("{") and json.loads(line).get("step") == step:
            time.sleep(0.3)
            proc.send_signal(signal.SIGKILL)
            break
    proc.stderr.close()
    return proc.wait(timeout=60)


def test_run_killed_at_each_point_then_rerun_equals_a_clean_run(
        demo: Demo, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    lock = lake / "_locks" / "local" / "run.lock"
    for point in POINTS:
        status = _killed_run(point, lake, demo.sources)
        assert status == -signal.SIGKILL, f"{point}: exit status {status}, not killed"
        assert lock.exists(), f"{point}: the killed run's lock should be left behind"
    final = c360("run", "--sources", str(demo.sources), "--logical-date", DAY1.isoformat(),
                 lake=lake)
    assert final.returncode == 0, final.stderr[-3000:]
    assert not lock.exists()
    clean, recovered = lake_digest(demo.lake), lake_digest(lake)
    differing = sorted(k for k in clean.keys() | recovered.keys()
                       if clean.get(k) != recovered.get(k))
    assert differing == []
    assert len(clean) > 100  # every table and RAW file was compared
