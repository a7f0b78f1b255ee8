"""The bounded profile API load test runs and reports throughput and p99 (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO, cli_env


def test_load_test_answers_every_request_and_reports_throughput_and_p99(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, "bench/profile_api_load.py", "--profiles", "50", "--requests", "80",
         "--workers", "4", "--seconds", "120", "--out", str(out)],
        cwd=REPO, env=cli_env(), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["requests_answered"] == 80
    assert result["unexpected_statuses"] == {}
    assert result["throughput_rps"] > 0
    assert set(result["latency"]) == {"p50_ms", "p95_ms", "p99_ms"}
    assert {k: v["count"] for k, v in result["by_kind"].items()} == {
        "by_id": 20, "by_email": 20, "by_phone": 20, "unknown_id": 20}
