"""What a step gets to work with, and what it reports back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from c360.config import Settings
from c360.contracts import Contract
from c360.engine import Engine
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
        """Named parameters bound into SQL models."""
        return {"logical_date": self.logical_date, "run_id": self.run_id}
