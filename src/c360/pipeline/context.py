"""What a step gets to work with, and what it reports back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from c360.config import Settings
from c360.contracts import Contract
from c360.engine import Engine
from c360.ingest.landing import delivery_key
from c360.lake import Lake
from c360.pipeline.scope import RunScope


@dataclass
class StepResult:
    rows_in: int = 0
    rows_out: int = 0
    rows_quarantined: int = 0
    details: dict[str, object] = field(default_factory=dict)


@dataclass
class StepContext:
    settings: Settings
    lake: Lake
    engine: Engine
    """The local engine for the step being run (the runner sets it per step kind:
    `c360.pipeline.definition.local_engine`)."""
    contracts: dict[str, Contract]
    run_id: str
    logical_date: date
    sources_dir: Path | None
    """Where source deliveries are picked up locally (the generator's output)."""
    work_dir: Path
    """Scratch space for this run (conversions before landing)."""
    run_scope: RunScope | None = None
    """Resources shared by this run's steps, exited when done with (None outside a run)."""

    @property
    def params(self) -> dict[str, object]:
        """Named parameters bound into SQL models.

        `deliveries_<dataset>`: where RAW holds this run's first delivery of the dataset,
        relative to the RAW root as a staged row's `_source_file` is; a later delivery of
        the same run lands beside it as `<that>.<n>/` (`c360.ingest.landing`). A filter
        on that prefix (`startswith`) reads only the run's own rows of a stage table:
        engines skip the Parquet row groups whose `_source_file` range cannot match.
        """
        return model_params(self.logical_date, self.run_id, self.contracts)


def model_params(logical_date: date, run_id: str, contracts: Mapping[str, Contract]
                 ) -> dict[str, object]:
    """The parameters a run binds into its SQL models (`StepContext.params`)."""
    return {
        "logical_date": logical_date, "run_id": run_id,
        **{f"deliveries_{dataset}": delivery_key(contract.raw.path, logical_date, run_id)
           for dataset, contract in contracts.items()},
    }
