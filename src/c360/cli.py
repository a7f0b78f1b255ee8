"""The `c360` command line. Every command reads one `Settings` (C360_* variables).

Errors a user can cause (a bad option, a missing file, a bad contract) end in one
red line naming what is wrong and exit code 1; earlier outputs stay untouched.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from c360.config import ConfigError, Settings
from c360.identity.cli import identity_app
from c360.logs import configure_logging, redact
from c360.privacy.cli import erase_cmd

app = typer.Typer(
    name="c360",
    help="Customer 360 data lake: generate sources, run the pipeline, look up profiles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(identity_app, name="identity")
console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, highlight=False)
app.command("erase")(erase_cmd)

USER_ERRORS: tuple[type[BaseException], ...] = (
    ConfigError, FileNotFoundError, ValueError, PermissionError,
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn an expected failure into one clear line and exit 1."""
    from c360.engine import EngineError
    from c360.locking import LockHeld

    expected: tuple[type[BaseException], ...] = (*USER_ERRORS, EngineError, LockHeld)
    try:
        yield
    except expected as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        err.print(f"[red]error:[/red] {escape(redact(first))}")
        raise typer.Exit(1) from None


@app.callback()
def _logging() -> None:
    """Structured JSON logs (no PII) on stderr for every command, at C360_LOG_LEVEL."""
    try:
        level = Settings.from_env().log_level
    except ConfigError:
        level = "INFO"  # the command itself reports the configuration error
    configure_logging(level)


def settings_from_env(**overrides: Any) -> Settings:
    return Settings.from_env(**overrides)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description:<34}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _generate(out: Path, customers: int, seed: int, logical_date: date) -> Any:
    from c360.sources.generator import generate

    with _progress() as progress:
        tasks: dict[str, Any] = {}

        def hook(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        return generate(out, customers=customers, seed=seed, logical_date=logical_date,
                        progress=hook)


@app.command("generate")
def generate_cmd(
    customers: Annotated[int, typer.Option(min=1, help="Number of true persons.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")] = 42,
    out: Annotated[Path, typer.Option(help="Output folder for the source deliveries.")] = Path(
        "sources"),
    logical_date: Annotated[str, typer.Option(help="Business date (YYYY-MM-DD).")] = "2026-11-25",
) -> None:
    """Generate the synthetic sources (CRM, core banking, mainframe, clickstream, calls)."""
    with user_errors():
        result = _generate(out, customers, seed, _parse_date(logical_date))
    console.print(f"generated {result.persons} persons into {out}")
    for dataset, count in sorted(result.counts.items()):
        console.print(f"  {dataset:<28} {count:>10,} records")


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--logical-date must be YYYY-MM-DD, got {text!r}") from None


def _run(settings: Settings, sources: Path | None, logical: date, schedule: str,
         wait: float = 0.0) -> Any:
    from c360.pipeline.runner import run_pipeline

    with _progress() as progress:
        task = progress.add_task("pipeline", total=1)

        def on_step(step: Any, index: int, total: int) -> None:
            progress.update(task, total=total, completed=index,
                            description=f"{step.name}" if index < total else "done")

        return run_pipeline(settings, logical, sources, schedule, on_step=on_step,  # type: ignore[arg-type]
                            lock_timeout=wait)


@app.command("run")
def run_cmd(
    sources: Annotated[Path, typer.Option(help="Folder with the source deliveries.")] = Path(
        "sources"),
    logical_date: Annotated[str, typer.Option(help="Business date (YYYY-MM-DD).")] = "2026-11-25",
    schedule: Annotated[str, typer.Option(help="hourly, daily or weekly.")] = "daily",
    wait: Annotated[float, typer.Option(
        min=0, help="Seconds to wait while another run of this environment (any date) or an "
             "erasure holds the run lock.")] = 0,
) -> None:
    """Run the pipeline locally (engine from C360_ENGINE, lake at C360_LAKE_ROOT)."""
    with user_errors():
        if schedule not in ("hourly", "daily", "weekly"):
            raise ValueError(f"--schedule must be hourly, daily or weekly, got {schedule!r}")
        if not sources.is_dir():
            raise FileNotFoundError(f"sources folder {sources} does not exist")
        settings = settings_from_env()
        manifest = _run(settings, sources, _parse_date(logical_date), schedule, wait)
    print_run_summary(manifest, settings)


def print_run_summary(manifest: Any, settings: Settings) -> None:
    table = Table(title=f"run {manifest.run_id} on {manifest.engine}")
    for col in ("step", "kind", "engine", "rows in", "rows out", "quarantined", "seconds"):
        table.add_column(col, justify="left" if col in ("step", "kind", "engine") else "right",
                         no_wrap=True)
    for s in manifest.steps:
        table.add_row(s.step, s.kind, s.engine, f"{s.rows_in:,}", f"{s.rows_out:,}",
                      f"{s.rows_quarantined:,}", f"{s.seconds:.2f}")
    console.print(table)
    root = settings.lake_root.resolve()
    console.print(f"lake: {root}  (layers raw/ stage/ analytics/ sandbox/)")
    console.print(f"manifest: {root / '_runs' / manifest.run_id / 'manifest.json'}")


@app.command("profile")
def profile_cmd(
    customer_id: Annotated[str, typer.Argument(help="The customer_id to show.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print one customer's 360 profile from the latest snapshot."""
    from c360.profile import ProfileNotFound, read_profile

    with user_errors():
        settings = settings_from_env()
        try:
            profile = read_profile(settings, customer_id)
        except ProfileNotFound as exc:
            raise ValueError(str(exc)) from None
    print_profile(profile, as_json)


def print_profile(profile: dict[str, Any], as_json: bool = False) -> None:
    if as_json:
        console.print_json(json.dumps(profile, default=str))
        return
    table = Table(title=f"customer {profile['customer_id']}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in profile.items():
        table.add_row(key, "" if value is None else str(value))
    console.print(table)


@app.command("demo")
def demo_cmd(
    customers: Annotated[int, typer.Option(min=1)] = 10_000,
    seed: Annotated[int, typer.Option()] = 42,
    workdir: Annotated[Path, typer.Option(help="Folder for sources and the lake.")] = Path("demo"),
    logical_date: Annotated[str, typer.Option()] = "2026-11-25",
) -> None:
    """Generate sources, run the whole pipeline, show a sample profile."""
    with user_errors():
        started = time.perf_counter()
        logical = _parse_date(logical_date)
        sources = workdir / "sources"
        # C360_LAKE_ROOT, when set, wins over the work dir (every command honours it).
        settings = settings_from_env(
            lake_root=None if "C360_LAKE_ROOT" in os.environ else workdir / "lake")
        console.rule("1/3 synthetic sources")
        _generate(sources, customers, seed, logical)
        console.rule(f"2/3 pipeline ({settings.engine})")
        manifest = _run(settings, sources, logical, "daily")
        print_run_summary(manifest, settings)
        console.rule("3/3 a customer 360 profile")
        from c360.profile import read_profile, sample_customer_id

        customer_id = sample_customer_id(settings)
        print_profile(read_profile(settings, customer_id))
        console.rule("served: profiles → DynamoDB → profile API (embedded AWS emulator)")
        from c360.serving.local import serve_one_profile

        served = serve_one_profile(settings.lake_root, customer_id)
        console.print(f"loaded {served.load.profiles:,} of {served.snapshot_profiles:,} profiles "
                      f"into DynamoDB at {served.endpoint} in {served.load_seconds:.1f} s; "
                      f"GET /customers/{customer_id} → {served.status}")
        console.print_json(served.body)
    console.print(f"demo finished in {time.perf_counter() - started:.1f} s")


@app.command("report")
def report_cmd(
    out: Annotated[Path, typer.Option(help="Folder for index.html and customers/*.html.")] = Path(
        "report"),
    customers: Annotated[int, typer.Option(min=1, help="Customer pages to write.")] = 20,
) -> None:
    """Write a static HTML report of the latest run (lake at C360_LAKE_ROOT)."""
    from c360.lake import Lake
    from c360.report.build import build_report

    with user_errors():
        settings = settings_from_env()
        result = build_report(Lake.local(settings.lake_root), out, customers)
    console.print(f"report: {result.index.resolve()} ({len(result.customer_pages)} customer pages)")


def main(argv: list[str] | None = None, run: Callable[..., Any] | None = None) -> None:
    app(args=argv)


if __name__ == "__main__":
    main()
