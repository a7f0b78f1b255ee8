"""`c360 identity ...`: link any file of person records; score a run against ground truth.

The `link` command line is a stable contract (issue 7): INPUT is CSV or Parquet
with a `record_id` column and any subset of the person columns; OUTPUT is Parquet
with exactly `record_id, customer_id`, one row per input record. Bad input ends
in one clear error line and exit code 1, and no output file is written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

identity_app = typer.Typer(
    name="identity",
    help="Identity resolution: link person records to customer ids; measure accuracy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Like `c360.cli.user_errors`, but never wraps the message: one line, however long."""
    from rich.console import Console

    from c360.cli import USER_ERRORS
    from c360.engine import EngineError

    try:
        yield
    except (*USER_ERRORS, EngineError) as exc:  # type: ignore[misc]
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        Console(stderr=True, highlight=False).print(f"[red]error:[/red] {first}", soft_wrap=True)
        raise typer.Exit(1) from None


@identity_app.command("link")
def link_cmd(
    input_path: Annotated[Path, typer.Argument(
        metavar="INPUT", help="CSV or Parquet: record_id + any of the person columns.")],
    output_path: Annotated[Path, typer.Argument(
        metavar="OUTPUT", help="Parquet to write: record_id, customer_id.")],
    settings_file: Annotated[Path | None, typer.Option(
        "--settings", help="Identity settings YAML (default: config/identity.yaml).")] = None,
) -> None:
    """Link the records of INPUT and write one customer_id per record to OUTPUT."""
    from c360.cli import console, settings_from_env

    with user_errors():
        from c360.identity.api import link_file

        settings = settings_from_env()
        result = link_file(input_path, output_path, settings_file, threads=settings.threads)
    console.print(
        f"linked {result['records']:,} records into {result['customers']:,} customers "
        f"in {result['seconds']:.1f} s → {output_path}")


@identity_app.command("evaluate")
def evaluate_cmd(
    sources: Annotated[Path, typer.Option(
        help="The generator's output folder (holds _ground_truth/records.csv).")] = Path("sources"),
    predicted: Annotated[Path | None, typer.Option(
        help="Score this `identity link` output (record_id = source_system:source_key) "
             "instead of the lake's int_customer_xref.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score identity against the ground truth: pairwise precision, recall, F1, persons."""
    from c360.cli import console, settings_from_env

    with user_errors():
        from c360.identity.api import evaluate

        scores = evaluate(settings_from_env(), sources, predicted)
    if as_json:
        console.print_json(json.dumps(scores))
        return
    _print_scores(scores)


def _print_scores(scores: dict[str, Any]) -> None:
    from rich.table import Table

    from c360.cli import console

    table = Table(title="identity accuracy (pairwise)", show_header=False)
    table.add_column("measure", style="bold")
    table.add_column("value", justify="right")
    for key in ("precision", "recall", "f1", "persons_exact", "persons_complete"):
        table.add_row(key, f"{scores[key]:.4f}")
    for key in ("records_evaluated", "truth_records", "predicted_pairs", "true_pairs",
                "correct_pairs", "persons"):
        table.add_row(key, f"{scores[key]:,}")
    console.print(table)


def write_parquet_atomically(table: Any, path: Path) -> None:
    """Write to a temporary file beside `path`, then rename: never a partial OUTPUT."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="snappy")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
