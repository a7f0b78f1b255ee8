"""`c360 erase`: the right to erasure from the command line (registered in `c360.cli`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from c360.privacy.erase import ErasureReport

console = Console(highlight=False, width=120)

LAYER_LABELS = {
    "raw": ("RAW", "files rewritten", "records removed"),
    "stage": ("STAGE (stg_, quarantine_, int_, registry)", "table files rewritten", "rows removed"),
    "analytics": ("ANALYTICS", "table files rewritten", "rows removed"),
    "sandbox": ("SANDBOX", "table files rewritten", "rows removed"),
    "scratch": ("scratch / unfinished writes", "folders deleted", "files deleted"),
    "dynamodb": ("DynamoDB profiles", "tables", "items deleted"),
}


def erase_cmd(
    requested_by: Annotated[str, typer.Option(
        help="Who asked for the erasure (recorded in the audit), e.g. a DPO ticket id.")],
    customer_id: Annotated[str | None, typer.Option(help="The person's customer_id.")] = None,
    email: Annotated[str | None, typer.Option(help="An email address of the person.")] = None,
    national_id: Annotated[str | None, typer.Option(help="The person's national id.")] = None,
    profiles_table: Annotated[str | None, typer.Option(
        help="DynamoDB profiles table to purge too (endpoint from AWS_ENDPOINT_URL).")] = None,
    wait: Annotated[float, typer.Option(
        min=0, help="Seconds to wait for a running pipeline to finish (0: refuse at once).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Erase one person from every layer and DynamoDB; later deliveries are filtered."""
    from c360.cli import settings_from_env, user_errors
    from c360.locking import erase_lock_name, local_lock
    from c360.privacy.erase import Targets, erase

    given = {k: v for k, v in (("customer_id", customer_id), ("email", email),
                               ("national_id", national_id)) if v is not None}
    with user_errors():
        if len(given) != 1:
            raise ValueError("give exactly one of --customer-id, --email, --national-id")
        (selector, value), = given.items()
        settings = settings_from_env()
        dynamodb: Any = None
        if profiles_table:
            import boto3

            dynamodb = boto3.client("dynamodb")
        targets = Targets.local(settings, dynamodb, profiles_table)
        lock = local_lock(settings.lake_root, erase_lock_name(settings.environment))
        report = erase(settings, selector, value, requested_by, targets, lock=lock,
                       lock_timeout=wait)
    if as_json:
        console.print_json(json.dumps(report.to_dict(), default=str))
    else:
        print_report(report)


def print_report(report: ErasureReport) -> None:
    """What the erasure changed, per layer (counts only: the report names nobody)."""
    state = "resumed (already in the ledger)" if report.resumed else "recorded"
    console.print(f"erasure {report.request_id} {state}: {report.customers} customer id(s), "
                  f"{report.source_records} source record(s)")
    kinds = ", ".join(f"{k} {n}" for k, n in report.identifiers.items())
    console.print(f"ledger (keyed hashes): {kinds or 'none'}")
    if report.shared_skipped:
        console.print(f"{report.shared_skipped} email/phone/national id value(s) shared with "
                      "other customers were not used to erase")
    table = Table(title="changes per layer")
    for col in ("layer", "objects", "", "removed", ""):
        table.add_column(col, justify="right" if col in ("objects", "removed") else "left")
    for layer, entry in report.by_layer().items():
        label, objects, removed = LAYER_LABELS.get(layer, (layer, "objects", "removed"))
        table.add_row(label, f"{entry['objects']:,}", objects, f"{entry['removed']:,}", removed)
    console.print(table)
    for note in report.notes:
        console.print(f"note: {note}")
