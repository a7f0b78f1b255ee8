"""The first and last state of every pipeline execution in AWS (the run_control Lambda).

Each generated state machine (`c360.orchestration.asl`) starts with `start` and ends
with `finish`, so a deployed run behaves like a local `c360 run`:

- **The logical date.** An execution started by hand carries `{"logical_date":
  "YYYY-MM-DD"}`. One started by EventBridge Scheduler carries only `{"scheduled_time":
  "<ISO 8601 instant>"}` (Scheduler cannot format a date), and the date is derived from
  it in UTC: an hourly run processes the day it runs in, a daily or weekly run the day
  that ended before it started (`DAY_OFFSET`; the default daily fires at 03:00 UTC for
  the day before). The run id is `<schedule>-<logical date>`, as the local runner names
  it (`c360.pipeline.definition.run_id_for`).
- **One run at a time per environment.** `start` takes the environment's run lock, a
  `c360.locking.DynamoDBLock` item (`pk = LOCK#<environment>`, `sk = run`) with a lease,
  refusing while an erasure of the environment holds its lock; the error
  `LockHeld` (the Lambda's error type) lets the state machine wait (daily, weekly) or
  skip the hour (hourly: the next one lands what this one would have). The lock's owner
  token is the execution's name, so a retried `start` of the same execution (or a
  redrive) finds the lock already its own. `finish` deletes the item if the token still
  owns it, after success and after failure alike; an execution stopped from outside
  leaves it to its lease (`C360_RUN_LEASE_SECONDS`).
- **The lease is renewed between stages.** `renew` (a state before every stage after
  the first) extends the lease from now, so the lease has to outlast the longest
  stage, not the whole run. If the lease ran out and another run took the lock, or an
  erasure started meanwhile, `renew` raises `RunLockLost` and the run stops there
  instead of writing beside it.

Configuration (the Lambda's environment): `C360_ENV` (the lock's environment),
`C360_LOCKS_TABLE` (the DynamoDB table holding lock items), `C360_RUN_LEASE_SECONDS`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from c360.locking import DynamoDBLock, is_erase_lock, lock_name
from c360.pipeline.definition import SCHEDULES, Schedule, run_id_for

log = logging.getLogger("c360.orchestration.run_control")

DAY_OFFSET: dict[Schedule, int] = {"hourly": 0, "daily": -1, "weekly": -1}
"""Logical date of a scheduled run = the UTC date of its scheduled time + this many days."""
DEFAULT_LEASE_SECONDS = 6 * 3600


class RunControlError(ValueError):
    """The event cannot start or finish a run; the message says which field is wrong."""


class RunLockLost(RuntimeError):
    """The run no longer holds the run lock (its lease ran out and another run took it):
    the run must stop writing. The Lambda's error type, which the state machine catches."""


def logical_date_for(schedule: Schedule, execution_input: Mapping[str, Any]) -> date:
    """The run's logical date: the input's `logical_date`, else derived from the
    scheduler's `scheduled_time` (see `DAY_OFFSET`)."""
    given = execution_input.get("logical_date")
    if given is not None:
        try:
            return date.fromisoformat(str(given))
        except ValueError:
            raise RunControlError(
                f"logical_date must be YYYY-MM-DD, got {given!r}") from None
    scheduled = execution_input.get("scheduled_time")
    if scheduled is None:
        raise RunControlError(
            "the execution input needs logical_date (YYYY-MM-DD) or scheduled_time "
            "(an ISO 8601 instant, as EventBridge Scheduler sends it)")
    try:
        instant = datetime.fromisoformat(str(scheduled))
    except ValueError:
        raise RunControlError(
            f"scheduled_time must be an ISO 8601 instant, got {scheduled!r}") from None
    if instant.tzinfo is None:
        raise RunControlError(f"scheduled_time must carry its UTC offset, got {scheduled!r}")
    return instant.astimezone(UTC).date() + timedelta(days=DAY_OFFSET[schedule])


def _schedule(event: Mapping[str, Any]) -> Schedule:
    schedule = event.get("schedule")
    for known in SCHEDULES:
        if schedule == known:
            return known
    raise RunControlError(f"schedule must be one of {', '.join(SCHEDULES)}, got {schedule!r}")


def _required(event: Mapping[str, Any], key: str) -> Any:
    value = event.get(key)
    if value in (None, ""):
        raise RunControlError(f"the event has no {key}")
    return value


def _run_lock(client: Any, environ: Mapping[str, str], owner: str = "",
              token: str | None = None, now: Callable[[], float] = time.time) -> DynamoDBLock:
    table = environ.get("C360_LOCKS_TABLE")
    environment = environ.get("C360_ENV")
    if not table or not environment:
        raise RunControlError("C360_LOCKS_TABLE and C360_ENV must be set")
    lease = float(environ.get("C360_RUN_LEASE_SECONDS") or DEFAULT_LEASE_SECONDS)
    return DynamoDBLock(client, table, lock_name(environment), lease_seconds=lease,
                        owner=owner, token=token, now=now)


def start(event: Mapping[str, Any], environ: Mapping[str, str], client: Any,
          now: Callable[[], float] = time.time) -> dict[str, str]:
    """The run's logical date and id, with the environment's run lock taken.

    Raises `c360.locking.LockHeld` while another run (or an erasure) holds it.
    """
    schedule = _schedule(event)
    execution = str(_required(event, "execution"))
    day = logical_date_for(schedule, event.get("input") or {})
    run_id = run_id_for(schedule, day)
    lock = _run_lock(client, environ, owner=f"{run_id} (execution {execution})",
                     token=execution, now=now)
    lock.acquire(0.0, conflicts=is_erase_lock)  # a retried start finds its own token
    return {"logical_date": day.isoformat(), "run_id": run_id, "lock_token": execution}


def finish(event: Mapping[str, Any], environ: Mapping[str, str], client: Any) -> dict[str, Any]:
    """Give the run lock back if this run still holds it (`released` says whether it did)."""
    run = _required(event, "run")
    token = str(_required(run, "lock_token"))
    outcome = str(event.get("outcome") or "succeeded")
    released = _run_lock(client, environ).release_token(token)
    if not released:
        log.warning("run lock was no longer held by this run (its lease ran out?)",
                    extra={"run_id": run.get("run_id"), "outcome": outcome})
    return {"run_id": run.get("run_id"), "outcome": outcome, "released": released}


def renew(event: Mapping[str, Any], environ: Mapping[str, str], client: Any,
          now: Callable[[], float] = time.time) -> dict[str, Any]:
    """Extend the run lock's lease from now; `RunLockLost` when this run lost it."""
    run = _required(event, "run")
    token = str(_required(run, "lock_token"))
    lock = _run_lock(client, environ, now=now)
    renewed = lock.renew_token(token)
    if renewed is None:
        holder = lock.holder()
        held_by = f"held by {holder.describe()}" if holder else "free"
        raise RunLockLost(
            f"run {run.get('run_id')} (execution {token}) no longer holds lock {lock.name} "
            f"before {event.get('stage') or 'its next stage'}: its lease "
            f"({lock.lease_seconds:.0f} s, C360_RUN_LEASE_SECONDS) ran out and the lock is "
            f"now {held_by}. The run stops so that two runs never write together; raise the "
            "lease above the longest stage.")
    # While this run's lease was live no erasure could start (it refuses while the run
    # lock is live): a live erasure lock now means the lease ran out in between.
    erasing = next((other for other in lock.live_locks() if is_erase_lock(other)), None)
    if erasing is not None:
        raise RunLockLost(
            f"run {run.get('run_id')} (execution {token}) stops before "
            f"{event.get('stage') or 'its next stage'}: an erasure of the environment holds "
            f"{erasing.name} ({erasing.describe()}); it started while this run's lease "
            f"({lock.lease_seconds:.0f} s, C360_RUN_LEASE_SECONDS) had run out. Raise the "
            "lease above the longest stage.")
    return {"run_id": run.get("run_id"), "expires_at": renewed.expires_at}


ACTIONS = ("start", "renew", "finish")


def handle(event: Mapping[str, Any], environ: Mapping[str, str], client: Any = None
           ) -> dict[str, Any]:
    """The Lambda's entry: `{"action": "start" | "renew" | "finish", ...}`."""
    action = event.get("action")
    if action not in ACTIONS:
        raise RunControlError(f"action must be one of {', '.join(ACTIONS)}, got {action!r}")
    if client is None:
        import boto3

        client = boto3.client("dynamodb")
    if action == "start":
        return start(event, environ, client)
    if action == "renew":
        return renew(event, environ, client)
    return finish(event, environ, client)
