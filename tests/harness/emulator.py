"""Start, reach and stop the AWS emulator from tests (or any Python code).

`start_emulator()` runs `server.py` in a child process (moto on 127.0.0.1, a
free port, the harness workarounds) and returns once it answers. The child
watches its stdin: when this process exits for any reason the pipe closes and
the emulator stops, so no server outlives its test run.

With `C360_EMULATOR_ENDPOINT` set (what `make test-integration
AWS_ENDPOINT_URL=...` does), nothing is started: the tests run against that
endpoint, e.g. a LocalStack container. Real AWS endpoints are refused.
"""

from __future__ import annotations

import atexit
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .protocol import READY

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
EXTERNAL_VARIABLE = "C360_EMULATOR_ENDPOINT"


class EmulatorError(RuntimeError):
    """The emulator did not start, or an endpoint is not acceptable."""


@dataclass
class Emulator:
    """A running emulator: where it listens and how to talk to it."""

    endpoint: str
    region: str = REGION
    process: subprocess.Popen[str] | None = field(default=None, repr=False)
    log_path: Path | None = None

    @property
    def is_moto(self) -> bool:
        """True for the harness's own moto (its workarounds are in force)."""
        return self.process is not None

    def env(self) -> dict[str, str]:
        """Variables that point boto3 (and Terraform's AWS provider) at the emulator."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
        }

    def client(self, service: str) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=self.region,
            aws_access_key_id="testing", aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 2, "mode": "standard"}),
        )

    def stop(self, timeout: float = 15.0, keep_log: bool = False) -> None:
        """Stop the child emulator (no-op for an external one); kill it if it hangs.

        Its log is deleted when it ended cleanly, unless `keep_log` (the caller
        saw something fail and the reader will want the emulator's side), and
        kept otherwise.
        """
        proc, self.process = self.process, None
        if proc is None:
            return
        if proc.poll() is None:
            if proc.stdin:
                proc.stdin.close()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if proc.returncode == 0 and not keep_log and self.log_path is not None:
            self.log_path.unlink(missing_ok=True)


def _check_external(endpoint: str) -> str:
    host = urlparse(endpoint).hostname or ""
    if not endpoint.startswith(("http://", "https://")) or host.endswith("amazonaws.com"):
        raise EmulatorError(f"{EXTERNAL_VARIABLE}={endpoint!r} is not an emulator endpoint")
    return endpoint.rstrip("/")


def start_emulator(region: str = REGION, timeout: float = 60.0) -> Emulator:
    """The external emulator if configured, else a fresh moto server child process."""
    external = os.environ.get(EXTERNAL_VARIABLE)
    if external:
        return Emulator(endpoint=_check_external(external), region=region)
    log_path = Path(tempfile.mkstemp(prefix="c360-emulator-", suffix=".log")[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    package_parent = Path(__file__).resolve().parents[1]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", f"{Path(__file__).parent.name}.server", "--quiet",
             "--watch-stdin", "--region", region],
            cwd=package_parent, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
        )
    lines: queue.Queue[str] = queue.Queue()

    def drain() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=drain, daemon=True, name="c360-emulator-stdout").start()
    emulator = Emulator(endpoint="", region=region, process=proc, log_path=log_path)
    atexit.register(emulator.stop)
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        if line and line.startswith(READY):
            emulator.endpoint = line.split()[1]
            return emulator
        if line == "" or line is None and time.monotonic() >= deadline:
            emulator.log_path = None  # keep the log of a failed start
            emulator.stop()
            raise EmulatorError(f"emulator did not start; its log: {log_path}\n"
                                f"{log_path.read_text()[-2000:]}")
