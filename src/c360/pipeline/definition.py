"""The pipeline declaration: every step, named after the table it produces.

This one list drives the local runner (dependency order, progress, manifest)
and the Step Functions generator (one task per step, by `kind`). A step's
`kind` says which AWS engine runs it (ARCHITECTURE §2):

| kind          | AWS                          | local                                       |
|---------------|------------------------------|---------------------------------------------|
| `lambda`      | a Lambda function            | the same handler code, in-process           |
| `glue_spark`  | a Glue 5.0 Spark job         | the selected engine (DuckDB or Spark)       |
| `glue_python` | a Glue Python shell job      | plain Python; tables read/written by DuckDB |
| `emr_spark`   | an EMR Serverless Spark step | the selected engine                         |
| `emr_hive`    | an EMR Serverless Hive step  | the selected engine (HiveQL transpiled)     |
| `athena`      | Athena CTAS / INSERT         | DuckDB (Trino transpiled by sqlglot)        |

Only the kinds Spark runs in AWS follow `C360_ENGINE` (`local_engine`): Athena's
local stand-in is DuckDB (ARCHITECTURE §2), and a Glue Python shell job has no
Spark, so neither runs on local Spark when the Spark engine is selected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from c360.pipeline.context import StepContext, StepResult

StepKind = Literal["lambda", "glue_spark", "glue_python", "emr_spark", "emr_hive", "athena"]
Schedule = Literal["hourly", "daily", "weekly"]
SCHEDULES: tuple[Schedule, ...] = ("hourly", "daily", "weekly")
ALL: frozenset[Schedule] = frozenset(SCHEDULES)
DAILY_UP: frozenset[Schedule] = frozenset({"daily", "weekly"})
ON_DUCKDB_LOCALLY: frozenset[StepKind] = frozenset({"athena", "glue_python"})
"""The kinds no Spark runs in AWS: locally always on DuckDB, their stand-in."""


def local_engine(kind: StepKind, selected: str) -> str:
    """The local engine that runs a step of `kind` when `selected` (C360_ENGINE) is chosen.

    Athena (Trino) and Glue Python shell steps always run on DuckDB; the Glue and EMR
    Spark/Hive kinds on the selected engine, and so does a Lambda step (it needs none).
    """
    return "duckdb" if kind in ON_DUCKDB_LOCALLY else selected


@dataclass(frozen=True)
class Step:
    """One unit of work: produces `outputs` (the first is its name) from `inputs`."""

    name: str
    kind: StepKind
    input_tables: tuple[str, ...] | Callable[[], tuple[str, ...]] = field(compare=False)
    """The tables it reads, or how to find them (a model step parses its SQL): see `inputs`."""
    outputs: tuple[str, ...]
    schedules: frozenset[Schedule]
    run: Callable[[StepContext], StepResult] = field(repr=False, compare=False)
    resource: str = ""
    """The AWS resource that runs it: Lambda/Glue job/EMR script/Athena model name."""
    arguments: tuple[tuple[str, str], ...] = ()
    """Arguments passed to the resource (e.g. `--dataset crm_customers`)."""
    description: str = ""

    @cached_property
    def inputs(self) -> tuple[str, ...]:
        """The tables it reads. A model step's are found on first use, by parsing its
        SQL: a run parses only the models of the steps it runs (an hourly run, 5 of 13)."""
        found = self.input_tables
        return found() if callable(found) else found

    def __post_init__(self) -> None:
        if not self.outputs or self.outputs[0] != self.name:
            raise ValueError(f"step {self.name}: its first output must be its own name")


class PipelineError(ValueError):
    """The declaration is inconsistent (unknown input, cycle, duplicate output)."""


def topological_order(steps: list[Step], external: frozenset[str] = frozenset()) -> list[Step]:
    """Steps in dependency order (stable: declaration order among ready steps)."""
    producer: dict[str, Step] = {}
    for step in steps:
        for out in step.outputs:
            if out in producer:
                first = producer[out].name
                raise PipelineError(f"{out} is produced by both {first} and {step.name}")
            producer[out] = step
    for step in steps:
        for name in step.inputs:
            if name not in producer and name not in external:
                raise PipelineError(f"step {step.name}: input {name} has no producer")
    # A step is ready once every input produced in this list has its producer ordered;
    # other inputs are external (already in the lake).
    ordered: list[Step] = []
    placed: set[str] = set()
    pending = list(steps)
    while pending:
        ready = [s for s in pending
                 if all(producer[i].name in placed for i in s.inputs if i in producer)]
        if not ready:
            names = ", ".join(s.name for s in pending)
            raise PipelineError(f"dependency cycle among: {names}")
        for step in ready:
            ordered.append(step)
            placed.add(step.name)
            pending.remove(step)
    return ordered


def run_id_for(schedule: str, logical_date: date) -> str:
    """Deterministic: a rerun for the same schedule and date is the same run (the local
    runner and the state machines' run_control Lambda name runs this way)."""
    return f"{schedule}-{logical_date.isoformat()}"


def schedule_of(run_id: str) -> Schedule:
    """The schedule a run belongs to, read from its run id (`<schedule>-<logical date>`).

    The runner and the state machines name runs this way
    (`run_id_for`); a run id that does not start with a schedule
    is treated as a full (daily) run.
    """
    head = run_id.split("-", 1)[0]
    return next((s for s in SCHEDULES if s == head), "daily")


def steps_for(steps: list[Step], schedule: Schedule) -> list[Step]:
    return [s for s in steps if schedule in s.schedules]
