"""Two `c360 run`s of one environment: exactly one proceeds."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DAY1, REPO, Demo, c360, cli_env

from c360.locking import local_lock, lock_name

pytestmark = pytest.mark.xdist_group("demo-lake")


def _start_run(lake: Path, sources: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "c360.cli", "run", "--sources", str(sources),
         "--logical-date", DAY1.isoformat()],
        cwd=REPO, env=cli_env(lake), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)


def _wait_for_step(proc: subprocess.Popen[str], timeout: float = 600) -> list[dict[str, object]]:
    """Log lines of `proc` up to its first `step started` (it is past the lock by then)."""
    assert proc.stderr is not None
    seen: list[dict[str, object]] = []
    deadline = time.monotonic() + timeout
    for line in proc.stderr:
        if line.startswith("{"):
            seen.append(json.loads(line))
            if seen[-1]["message"] == "step started":
                return seen
        assert time.monotonic() < deadline, "no step started"
    raise AssertionError(f"run ended before any step: {seen}")


def test_two_simultaneous_runs_one_proceeds_the_other_refuses(demo: Demo, tmp_path: Path
                                                              ) -> None:
    lake = tmp_path / "lake"
    first, second = _start_run(lake, demo.sources), _start_run(lake, demo.sources)
    try:
        deadline = time.monotonic() + 300
        while first.poll() is None and second.poll() is None:
            assert time.monotonic() < deadline, "neither run ended nor refused"
            time.sleep(0.1)
        refused = first if first.poll() is not None else second
        running = second if refused is first else first
        assert refused.returncode == 1
        message = " ".join((refused.stderr.read() if refused.stderr else "").split())
        assert (f"lock local/run is taken: held by daily-{DAY1.isoformat()}, pid {running.pid} "
                f"on ") in message
        assert _wait_for_step(running)[-1]["step"] == "raw_crm_customers"
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()


def test_erasure_refuses_while_a_run_holds_the_lake_and_a_dead_runs_lock_is_recovered(
        demo: Demo, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    run = _start_run(lake, demo.sources)
    try:
        _wait_for_step(run)
        erase = c360("erase", "--email", "anyone@example.com", "--requested-by", "ops",
                     lake=lake)
        assert erase.returncode == 1
        assert (f"lock local/erase is taken by local/run: held by daily-{DAY1.isoformat()}, "
                f"pid {run.pid}") in " ".join(erase.stderr.split())
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    lock = local_lock(lake, lock_name("local"))
    assert lock.holder().pid == run.pid  # type: ignore[union-attr]  # left by the dead run
    assert lock.acquire(timeout=0).pid != run.pid
    lock.release()
