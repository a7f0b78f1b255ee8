"""Apply `terraform/envs/local` to the emulator, then destroy it (what `make tf-apply-local` runs).

Order, and why:

1. Start the emulator of the test harness (`tests/harness`: moto on 127.0.0.1,
   a free port, with the shims Terraform needs), or use `C360_EMULATOR_ENDPOINT`
   (e.g. LocalStack) when it is set.
2. `terraform init -plugin-dir=$TF_PLUGIN_DIR -lockfile=readonly` with the
   local backend's state in a temporary folder (`-backend-config=path=...`):
   `init -backend=false` cannot be followed by `apply` (the env declares a
   backend), and the state of a throwaway emulator does not belong in the tree.
3. Bootstrap: `apply -target` the artifacts bucket (and its public access
   block), because every Lambda is created from a zip in it.
4. Publish `dist/<version>/` to that bucket (`publish.py`, the keys of
   `modules/artifact_layout`).
5. Full `apply` with `artifact_version=<version>`; the emulator workarounds are
   the defaults of `envs/local` (docs/terraform.md), except that Athena is
   switched on when the emulator is the harness's moto (HARNESS_TOGGLES).
6. Optionally run a check between apply and destroy (the pytest test does).
7. `destroy -refresh=false`, then stop the emulator, whatever failed before.

Usage: `python terraform/scripts/apply_local.py --dist dist/<version>` (the
version is read from `dist/<version>/VERSION`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parents[2]
ENV_DIR = ROOT / "terraform" / "envs" / "local"
DEFAULT_PLUGIN_DIR = "/opt/tf-plugins"
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))  # the harness: tests/harness

from publish import publish, read_version  # noqa: E402

BOOTSTRAP_TARGETS = (
    'module.c360.module.lake_storage.aws_s3_bucket.this["artifacts"]',
    'module.c360.module.lake_storage.aws_s3_bucket_public_access_block.this["artifacts"]',
)
"""What must exist before publishing: the artifacts bucket, private. Its default
encryption needs the KMS key, which the provider waits ~13 s for; on the emulator
that wait would sit alone on the critical path, so the key comes with the full
apply. (dev/prod bootstrap all of `module.c360.module.lake_storage` instead.)"""

HARNESS_TOGGLES = ("enable_athena=true",)
"""envs/local switches Athena off for LocalStack's free edition; moto 5.2.5 handles the
workgroup. EMR Serverless works too with the harness (EMR_SERVERLESS_APP_CREATED) but
is not in the default cycle: the provider waits a fixed 30 s on each create and
delete, about a minute more per run; pass `--var enable_emr_serverless=true`."""

PARALLELISM = 20
"""Terraform's default of 10 concurrent operations is mostly spent waiting: the
provider holds each S3 lifecycle configuration ~55 s and each EMR Serverless
application 30 s (fixed waits, not emulator time), which would leave one or two
slots for the other ~120 resources. Not more: the threaded emulator on a shared
2-core machine starts dropping connections."""

COMMAND_TIMEOUT_SECONDS = 900


class ApplyLocalError(RuntimeError):
    """A terraform step failed; the message names it and ends with its output."""


@dataclass
class Step:
    """One terraform command: what ran, how long it took, the summary line it printed."""

    name: str
    seconds: float
    summary: str


def _without_progress(lines: list[str]) -> str:
    """Terraform's output without its "Still creating/destroying..." ticks (the log keeps them)."""
    return "".join(ln for ln in lines if not re.search(r": Still [a-z]+\.\.\. \[", ln))


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the process group of `proc` (terraform + provider plugin) if still there."""
    if proc.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@dataclass
class LocalDeployment:
    """One apply/destroy cycle of envs/local against one emulator, in a scratch folder."""

    version: str
    dist: Path
    endpoint_env: dict[str, str]
    workdir: Path
    plugin_dir: str = DEFAULT_PLUGIN_DIR
    extra_vars: Sequence[str] = ()
    echo: TextIO | None = None
    steps: list[Step] = field(default_factory=list)
    published: list[str] = field(default_factory=list)

    @property
    def log_path(self) -> Path:
        return self.workdir / "terraform.log"

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_") and k not in ("TF_DATA_DIR", "TF_WORKSPACE")}
        if env.get("TF_CLI_CONFIG_FILE") and not Path(env["TF_CLI_CONFIG_FILE"]).is_file():
            del env["TF_CLI_CONFIG_FILE"]  # a missing CLI config only adds a warning per command
        env.update(self.endpoint_env)
        env.update({"TF_DATA_DIR": str(self.workdir / ".terraform"), "TF_IN_AUTOMATION": "1",
                    "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"})
        return env

    def terraform(self, name: str, *args: str, capture: bool = False) -> str:
        """Run `terraform -chdir=envs/local <args>`; output goes to the log (and `echo`).

        Raises ApplyLocalError with the output's tail when it fails or outlives
        COMMAND_TIMEOUT_SECONDS (then its process group is killed).
        """
        command = ["terraform", f"-chdir={ENV_DIR}", *args]
        started = time.monotonic()
        lines: list[str] = []
        with self.log_path.open("a") as log:
            log.write(f"\n$ {' '.join(command)}\n")
            # Own process group, so terraform and its provider plugin are killed together.
            proc = subprocess.Popen(command, env=self._environment(), text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            assert proc.stdout is not None
            watchdog = threading.Timer(COMMAND_TIMEOUT_SECONDS, _kill_group, (proc,))
            watchdog.start()
            try:
                for line in proc.stdout:
                    lines.append(line)
                    log.write(line)
                    if self.echo and not capture:
                        self.echo.write(line)
                        self.echo.flush()
                code = proc.wait()
            except BaseException:  # interrupted: leave nothing running
                _kill_group(proc)
                raise
            finally:
                watchdog.cancel()
        seconds = time.monotonic() - started
        output = "".join(lines)
        if code != 0:
            why = " (killed: timeout)" if seconds >= COMMAND_TIMEOUT_SECONDS else ""
            raise ApplyLocalError(f"terraform {name} failed (exit {code}, {seconds:.0f} s){why}; "
                                  f"log: {self.log_path}\n{_without_progress(lines)[-6000:]}")
        summary = next((ln.strip() for ln in reversed(lines)
                        if ln.startswith(("Apply complete!", "Destroy complete!",
                                          "Terraform has been successfully"))), "")
        self.steps.append(Step(name, seconds, summary))
        return output

    def _var_args(self) -> list[str]:
        return ["-var", f"artifact_version={self.version}",
                *[arg for var in self.extra_vars for arg in ("-var", var)]]

    def init(self) -> None:
        self.terraform("init", "init", "-input=false", "-no-color", "-lockfile=readonly",
                       f"-plugin-dir={self.plugin_dir}",
                       f"-backend-config=path={self.workdir / 'terraform.tfstate'}")

    def bootstrap(self) -> None:
        targets = [f"-target={t}" for t in BOOTSTRAP_TARGETS]
        self.terraform("apply (bootstrap: artifacts bucket)", "apply", "-auto-approve",
                       "-input=false", "-no-color", *self._var_args(), *targets)

    def outputs(self) -> dict[str, Any]:
        raw = json.loads(self.terraform("output", "output", "-json", "-no-color", capture=True))
        return {name: entry["value"] for name, entry in raw.items()}

    def publish(self) -> None:
        import boto3

        bucket = self.outputs()["artifacts_bucket"]
        client = boto3.session.Session(
            aws_access_key_id=self.endpoint_env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.endpoint_env["AWS_SECRET_ACCESS_KEY"],
            region_name=self.endpoint_env["AWS_DEFAULT_REGION"],
        ).client("s3", endpoint_url=self.endpoint_env["AWS_ENDPOINT_URL"])
        started = time.monotonic()
        self.published = publish(self.dist, bucket, self.version, client=client)
        self.steps.append(Step("publish", time.monotonic() - started,
                               f"published {len(self.published)} artifacts to s3://{bucket}/"))

    def apply(self) -> None:
        self.terraform("apply", "apply", "-auto-approve", "-input=false", "-no-color",
                       f"-parallelism={PARALLELISM}", *self._var_args())

    def state(self) -> list[str]:
        """Addresses in the state (`terraform state list`)."""
        out = self.terraform("state list", "state", "list", capture=True)
        return [line for line in out.splitlines() if line.strip()]

    def destroy(self) -> None:
        self.terraform("destroy", "destroy", "-auto-approve", "-refresh=false", "-input=false",
                       "-no-color", f"-parallelism={PARALLELISM}", *self._var_args())


ACCESS_LINE = re.compile(r'^\S+ - - \[[^]]+\] "(?P<request>[^"]*)" (?P<status>\d{3}) ')
NOTICE_LINE = re.compile(r"^Unsupported Optimised service integration for service_name ")
"""moto's note for each Athena/EMR Serverless task of a state machine it creates: not an error."""


def _emulator_log_summary(path: Path, keep: int = 40) -> str:
    """The emulator log's path, its request count, and its last server errors and tracebacks.

    The log has one access line per request (werkzeug's), moto's tracebacks, moto's
    notes on Step Functions tasks (left out) and the harness's `sdk retry: ...` lines
    (tests/harness/workarounds.py); a failed apply is usually explained by a 5xx or a
    lost answer the provider retried.
    """
    requests, problems = 0, []
    for line in path.read_text(errors="replace").splitlines():
        access = ACCESS_LINE.match(line)
        if access:
            requests += 1
            if access["status"].startswith("5"):
                problems.append(line)
        elif line.strip() and not NOTICE_LINE.match(line):
            problems.append(line)
    shown = "\n".join(problems[-keep:]) or "(no server errors logged)"
    plural = "" if requests == 1 else "s"
    return f"emulator log: {path} ({requests} request{plural}), last server errors:\n{shown}"


@contextmanager
def emulator_running() -> Iterator[Any]:
    """The harness's emulator (moto child process on 127.0.0.1), stopped on exit.

    When the body fails, the emulator's log is kept and its path added to the error.
    """
    from harness import start_emulator

    emulator = start_emulator()
    try:
        yield emulator
    except BaseException as failure:
        emulator.stop(keep_log=True)
        if emulator.log_path is not None and emulator.log_path.is_file():
            failure.add_note(_emulator_log_summary(emulator.log_path))
        raise
    emulator.stop()


Hook = Callable[[LocalDeployment, Any], None]


def run(dist: Path, plugin_dir: str = DEFAULT_PLUGIN_DIR, extra_vars: Sequence[str] = (),
        between: Hook | None = None, after: Hook | None = None,
        echo: TextIO | None = None, workdir: Path | None = None) -> LocalDeployment:
    """Steps 1-7 of the module docstring; returns the deployment (steps, timings, keys).

    `between(deployment, emulator)` runs after the full apply and before
    destroy, `after(deployment, emulator)` after destroy while the emulator
    still runs. Destroy runs whenever init succeeded, even if apply or the
    check failed; the emulator is stopped in every case. Without `workdir`, a
    temporary one is used and removed after a successful run (kept, with its
    terraform.log, after a failure).
    """
    if not Path(plugin_dir).is_dir():
        raise ApplyLocalError(f"TF_PLUGIN_DIR={plugin_dir} does not exist (provider mirror)")
    version = read_version(dist)
    scratch = workdir or Path(tempfile.mkdtemp(prefix="c360-tf-local-"))
    with emulator_running() as emulator:
        toggles = HARNESS_TOGGLES if emulator.is_moto else ()
        deployment = LocalDeployment(version=version, dist=dist, endpoint_env=emulator.env(),
                                     workdir=scratch, plugin_dir=plugin_dir,
                                     extra_vars=(*toggles, *extra_vars), echo=echo)
        deployment.init()
        try:
            deployment.bootstrap()
            deployment.publish()
            deployment.apply()
            if between is not None:
                between(deployment, emulator)
        except BaseException as failure:
            try:
                deployment.destroy()
            except ApplyLocalError as also:
                failure.add_note(f"destroy after the failure failed too: {str(also)[:300]}")
            raise
        deployment.destroy()
        if after is not None:
            after(deployment, emulator)
    if workdir is None:  # ours, and all went well: leave nothing behind (kept on failure)
        shutil.rmtree(scratch, ignore_errors=True)
    return deployment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", required=True, type=Path, help="dist/<version> (make build)")
    parser.add_argument("--plugin-dir", default=os.environ.get("TF_PLUGIN_DIR", DEFAULT_PLUGIN_DIR))
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                        help="extra -var for envs/local, e.g. enable_athena=true")
    parser.add_argument("--quiet", action="store_true",
                        help="print only the summary, not terraform's output")
    args = parser.parse_args(argv)

    def report(deployment: LocalDeployment, emulator: Any) -> None:
        print(f"==> {len(deployment.state())} resources in the state on {emulator.endpoint}",
              flush=True)

    try:
        deployment = run(args.dist, args.plugin_dir, args.var, between=report,
                         echo=None if args.quiet else sys.stdout)
    except ApplyLocalError as exc:
        print(f"tf-apply-local: {exc}", file=sys.stderr)
        for note in getattr(exc, "__notes__", []):
            print(f"tf-apply-local: {note}", file=sys.stderr)
        return 1
    print("==> tf-apply-local summary (emulator stopped)")
    for step in deployment.steps:
        print(f"  {step.name:<36} {step.seconds:6.1f} s  {step.summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
