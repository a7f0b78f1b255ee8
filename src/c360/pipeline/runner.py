"""Run the pipeline locally: steps in dependency order, progress, run manifest.

The manifest (`<lake>/_runs/<run_id>/manifest.json`, also copied to
`<lake>/_runs/latest.json`) records, per step, rows in / out / quarantined and
the duration; it is written last, so a manifest exists only for a finished run.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from c360 import sql_cache
from c360.config import Settings
from c360.contracts import load_contracts
from c360.engine import Engine, create_engine
from c360.lake import Lake
from c360.locking import local_lock, lock_name, run_lock
from c360.pipeline.context import StepContext, StepResult
from c360.pipeline.definition import (
    Schedule,
    Step,
    local_engine,
    run_id_for,
    steps_for,
    topological_order,
)
from c360.pipeline.scope import RunScope
from c360.pipeline.steps import build_steps
from c360.privacy.erase import Targets, apply_pending

log = logging.getLogger("c360.pipeline")


@dataclass
class StepRecord:
    step: str
    kind: str
    engine: str
    """The local engine that ran it (`c360.pipeline.definition.local_engine`)."""
    status: str
    rows_in: int
    rows_out: int
    rows_quarantined: int
    seconds: float
    details: dict[str, object] = field(default_factory=dict)


@dataclass
class RunManifest:
    run_id: str
    logical_date: str
    schedule: str
    engine: str
    started_at: str
    finished_at: str = ""
    status: str = "running"
    steps: list[StepRecord] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "rows_quarantined": sum(s.rows_quarantined for s in self.steps),
            "steps": len(self.steps),
        }


ProgressHook = Callable[[Step, int, int], None]


def run_pipeline(
    settings: Settings,
    logical_date: date,
    sources_dir: Path | None,
    schedule: Schedule = "daily",
    only: set[str] | None = None,
    on_step: ProgressHook | None = None,
    lock_timeout: float = 0.0,
) -> RunManifest:
    """Run every step of `schedule` (or just `only`) and write the manifest.

    One run at a time per environment, whatever its schedule and date: the run holds
    the lake's run lock (waiting up to `lock_timeout` seconds, then refusing with
    `LockHeld`, which names the run holding it) and
    first finishes any erasure a crash left pending, so no step sees an erased person.
    """
    sql_cache.configure(settings.sql_cache_dir)
    lake = Lake.local(settings.lake_root)
    lake.root.mkdir(parents=True, exist_ok=True)
    lock = local_lock(lake.root, lock_name(settings.environment),
                      owner=run_id_for(schedule, logical_date))
    with run_lock(lock, lock_timeout):
        lake.clear_staging()  # writes a killed run left half-done (we hold the lock)
        apply_pending(settings, Targets.local(settings))
        return _run_steps(settings, lake, logical_date, sources_dir, schedule, only, on_step)


def _run_steps(settings: Settings, lake: Lake, logical_date: date, sources_dir: Path | None,
               schedule: Schedule, only: set[str] | None, on_step: ProgressHook | None
               ) -> RunManifest:
    contracts = load_contracts()
    declared = build_steps()
    steps = steps_for(declared, schedule)
    # Tables other schedules produce are read as their last run left them (e.g. hourly
    # steps read the daily int_customer_xref).
    earlier = frozenset(o for s in declared if s not in steps for o in s.outputs)
    steps = topological_order(steps, external=earlier)
    if only:
        steps = [s for s in steps if s.name in only]
    run_id = run_id_for(schedule, logical_date)
    manifest = RunManifest(
        run_id=run_id,
        logical_date=logical_date.isoformat(),
        schedule=schedule,
        engine=settings.engine,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    # A manifest exists only for a finished run: a rerun (perhaps killed) must not leave
    # the previous attempt's manifest claiming outputs it is replacing.
    (lake.root / "_runs" / run_id / "manifest.json").unlink(missing_ok=True)
    work_dir = lake.root / "_work" / run_id
    # The run scope (the engines, the simulated core-banking database) ends with the run,
    # failed or not.
    with RunScope() as scope:

        def engine(name: str) -> Engine:
            return scope.shared(f"engine:{name}", lambda: create_engine(settings, lake, name))

        ctx = StepContext(settings, lake, engine(settings.engine), contracts, run_id,
                          logical_date, sources_dir, work_dir, run_scope=scope)
        for index, step in enumerate(steps):
            if on_step:
                on_step(step, index, len(steps))
            ctx.engine = engine(local_engine(step.kind, settings.engine))
            started = time.perf_counter()
            log.info("step started", extra={"run_id": run_id, "step": step.name})
            try:
                result: StepResult = step.run(ctx)
            except Exception:
                log.error("step failed", extra={"run_id": run_id, "step": step.name})
                raise
            seconds = round(time.perf_counter() - started, 3)
            manifest.steps.append(StepRecord(
                step=step.name, kind=step.kind, engine=ctx.engine.name, status="succeeded",
                rows_in=result.rows_in, rows_out=result.rows_out,
                rows_quarantined=result.rows_quarantined, seconds=seconds, details=result.details,
            ))
            log.info("step finished", extra={"run_id": run_id, "step": step.name,
                                             "rows_out": result.rows_out, "seconds": seconds})
            scope.release({s.name for s in steps[index + 1:]})  # e.g. the simulated database
        if on_step:
            on_step(steps[-1], len(steps), len(steps))
    manifest.status = "succeeded"
    manifest.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    write_manifest(lake, manifest)
    shutil.rmtree(work_dir, ignore_errors=True)
    return manifest


def write_manifest(lake: Lake, manifest: RunManifest) -> Path:
    """Write the manifest atomically (temp file + rename), then `latest.json`."""
    runs = lake.root / "_runs"
    target = runs / manifest.run_id / "manifest.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(asdict(manifest) | {"totals": manifest.totals}, indent=2, default=str)
    for path in (target, runs / "latest.json"):
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, path)
    return target


def read_latest_manifest(lake: Lake) -> dict[str, object]:
    path = lake.root / "_runs" / "latest.json"
    if not path.exists():
        raise FileNotFoundError(f"no finished run in {lake.root} (missing {path})")
    return json.loads(path.read_text(encoding="utf-8"))
