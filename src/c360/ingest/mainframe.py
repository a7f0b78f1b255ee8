"""Mainframe export: the day's loyalty and card files, checked against their trailers, into RAW.

The mainframe writes `loyalty_YYYYMMDD.dat` (fixed width, H/D/T records) and
`cards_YYYYMMDD.csv` (CSV framed by HDR/TRL) into its drop location (the
generator's `mainframe/` folder locally, an S3 prefix in AWS). The export puts
each file into RAW through `landing.land` with the contract's check: the
trailer's record count and amount control total must equal the detail records'
count and sum, or the file is quarantined whole (with the reason in its
manifest) and the export goes on with the next file. Other file drops
(clickstream hourly batches, call-center CSV) land the same way through
`ingest_drop`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from c360.contracts import Contract
from c360.ingest.deliveries import fetch_matching
from c360.ingest.landing import LandingReport, land
from c360.ingest.store import ObjectStore
from c360.ingest.validate import checker_for

# dataset → (folder in the drop location, file name pattern; {day} = YYYYMMDD)
DROPS: dict[str, tuple[str, str]] = {
    "mainframe_loyalty": ("mainframe", "loyalty_{day}.dat"),
    "mainframe_cards": ("mainframe", "cards_{day}.csv"),
    "clickstream_events": ("clickstream/events", "*.jsonl.gz"),
    "call_center_contacts": ("call_center", "contacts_{day}.csv"),
}
MAINFRAME_DATASETS = ("mainframe_loyalty", "mainframe_cards")


def drop_pattern(dataset: str, day: date | None) -> tuple[str, str]:
    """(folder, file pattern) of a dataset's drop; all days when `day` is None."""
    if dataset not in DROPS:
        raise ValueError(f"{dataset} is not a file-drop dataset; one of {', '.join(DROPS)}")
    folder, pattern = DROPS[dataset]
    return folder, pattern.replace("{day}", day.strftime("%Y%m%d") if day else "*")


def ingest_drop(contract: Contract, source: ObjectStore, raw: ObjectStore, ingest_date: date,
                run_id: str, work_dir: Path, day: date | None = None,
                workers: int = 1) -> LandingReport:
    """Land every dropped file of `contract`'s dataset (checked) as one delivery.

    `workers`: processes that may check a big delivery (`landing.land`).
    """
    folder, pattern = drop_pattern(contract.dataset, day)
    files = fetch_matching(source, folder, pattern, work_dir / contract.dataset)
    report = land(raw, contract.dataset, files, contract.raw.path, ingest_date, run_id,
                  check=checker_for(contract), workers=workers)
    if not files:
        report.skipped.append({"source": f"{folder}/{pattern}",
                               "reason": "nothing dropped (no file matches)"})
    return report


def export_mainframe(contracts: dict[str, Contract], source: ObjectStore, raw: ObjectStore,
                     day: date, run_id: str, work_dir: Path) -> dict[str, LandingReport]:
    """The `mainframe_export` function: the day's mainframe files into RAW, each checked."""
    return {dataset: ingest_drop(contracts[dataset], source, raw, day, run_id, work_dir, day)
            for dataset in MAINFRAME_DATASETS}
